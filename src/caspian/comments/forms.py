import re
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from . import tokens
from .models import Comment, Status
from .numbers import to_int

SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
# Right-to-left overrides and isolates can make "gpj.exe" read as "exe.jpg".
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
WEBSITE_MESSAGE = "Please enter a website address starting with http:// or https://, or leave it empty."


def normalise_line_breaks(text):
    """Browsers send line breaks as CRLF but count them as one character (for ``maxlength``): so do we."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def too_long_message(over, limit, exact=True):
    """What a reader whose comment is ``over`` characters too long is told (``exact=False``: at least that)."""
    return (
        f"Your comment is {'' if exact else 'more than '}{over:,} character{'s' if over != 1 else ''} too long "
        f"(the limit is {limit:,}). Its first {limit:,} characters are kept below: shorten it, then send it again."
    )


class CommentForm(forms.Form):
    """A reader's comment, with the messages readers see beside each field.

    ``article`` is the article commented on; ``closed_reason`` (from
    :func:`caspian.comments.policy.closed_reason`) refuses every post.
    ``comment_length`` is how many characters the reader's comment had when
    ``data`` holds only the first of them (a post too large to read whole,
    see :mod:`caspian.comments.oversized`); ``comment_length_exact=False``
    when even that count stopped early.
    """

    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 45}),
        error_messages={"required": "Please enter your comment!"},
    )
    author = forms.CharField(
        label="Name",
        max_length=80,
        error_messages={
            "required": "Please enter your name here",
            "max_length": "Please shorten your name to %(limit_value)d characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email",
        help_text="Your email address will not be published.",
        max_length=254,
        error_messages={
            "required": "Please enter your email address here",
            "invalid": "You have entered an incorrect email address!",
            "max_length": "You have entered an incorrect email address!",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    url = forms.CharField(
        label="Website",
        required=False,
        max_length=200,
        error_messages={"max_length": "Please shorten the website address to %(limit_value)d characters or fewer."},
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    save_details = forms.BooleanField(
        label="Save my name, email, and website in this browser for the next time I comment.", required=False
    )
    notify_replies = forms.BooleanField(
        label="Email me when someone replies to my comment.",
        help_text="The first time, we email you a link to confirm.",
        required=False,
    )
    # A plain Field: CharField's own refusal of a null character would be an error on a field nobody
    # sees. clean_parent() refuses whatever is not the id of a comment shown on this article.
    parent = forms.Field(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people, irresistible to form-filling bots. Not
    # called "address" or the like, which browsers fill in for their users.
    homepage = forms.CharField(required=False, label="Leave this field empty")

    def __init__(self, *args, article, closed_reason="", comment_length=None, comment_length_exact=True, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.article = article
        self.closed_reason = closed_reason
        self.comment_length = comment_length
        self.comment_length_exact = comment_length_exact
        self.token_issued = None  # when the posted form token was issued, if it is genuine
        self.token_missing = False
        self.fields["comment"].widget.attrs["maxlength"] = settings.COMMENTS_MAX_LENGTH

    @property
    def has_field_errors(self):
        return any(name != "__all__" for name in self.errors)

    @property
    def needs_confirmation(self):
        """Whether the form was posted without a token and is otherwise fine: the reader only has to confirm."""
        return self.token_missing and list(self.errors) == ["__all__"] and len(self.errors["__all__"]) == 1

    @property
    def fresh_token(self):
        """The form token of a form shown again after a post; "" for a form never posted.

        It keeps the first token's time, so fixing a typo quickly is no "bot". A
        form never posted is part of a page every reader shares, so it carries
        none: ``comments.js`` fetches one.
        """
        return tokens.issue(self.token_issued) if self.is_bound else ""

    @property
    def is_bot(self):
        return bool(self.cleaned_data.get("homepage"))

    def full_clean(self):
        super().full_clean()
        if self.is_bound and "comment" in self.errors:
            self._keep_comment_up_to_the_limit()

    def _keep_comment_up_to_the_limit(self):
        # The form shown again holds the first COMMENTS_MAX_LENGTH characters, not all of a 2 MB paste:
        # the page would weigh as much, and the textarea's maxlength stops the reader adding to it anyway.
        text = normalise_line_breaks(self.data.get("comment") or "")
        limit = settings.COMMENTS_MAX_LENGTH
        if len(text) > limit:
            self.data = self.data.copy()
            self.data["comment"] = text[:limit]

    def clean_comment(self):
        text = normalise_line_breaks(self.cleaned_data["comment"])
        limit = settings.COMMENTS_MAX_LENGTH
        length = max(len(text), self.comment_length or 0)
        if length > limit:
            raise ValidationError(too_long_message(length - limit, limit, exact=self.comment_length_exact))
        return text

    def clean_author(self):
        # One line, however it was typed, and no direction tricks.
        name = " ".join(BIDI_CONTROLS.sub("", self.cleaned_data["author"]).split())
        if not name:
            raise ValidationError(self.fields["author"].error_messages["required"])
        return name

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if not url:
            return ""
        if not SCHEME.match(url):
            url = f"https://{url}"
        if not url.lower().startswith(("http://", "https://")) or any(
            unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in url
        ):
            raise ValidationError(WEBSITE_MESSAGE)
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(WEBSITE_MESSAGE) from None
        limit = Comment._meta.get_field("author_url").max_length
        if len(url) > limit:  # checked again: "https://" may have been added
            raise ValidationError(f"Please shorten the website address to {limit} characters or fewer.")
        return url

    def clean_parent(self):
        # Checked here, reported in clean(): the field is hidden, so its message goes at the top.
        value = self.cleaned_data.get("parent")
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            return None
        parent_id = to_int(value)
        if parent_id is None:  # "²", "-1", "1e3", a null byte, a number no id reaches
            return False
        return Comment.objects.filter(pk=parent_id, article=self.article, status=Status.APPROVED).first() or False

    def clean(self):
        if self.closed_reason:
            raise ValidationError(self.closed_reason, code="closed")
        if self.cleaned_data.get("parent") is False:
            self.data = self.data.copy()
            self.data["parent"] = ""  # the form shown again posts a new comment
            raise ValidationError(
                "The comment you are replying to is no longer shown. Send yours as a new comment instead.",
                code="parent",
            )
        try:
            self.token_issued = tokens.check(self.data.get(tokens.FIELD))
        except tokens.TokenError as error:
            self.token_issued, self.token_missing = error.issued, error.missing
            raise ValidationError(str(error), code="token") from None
        return self.cleaned_data

    def build_comment(self, ip_address=None, user_agent=""):
        """An unsaved :class:`Comment` from the cleaned data (a bot's goes straight to spam).

        Reply emails stay off until the address confirms them: see
        :func:`caspian.comments.notifications.offer_reply_emails`.
        """
        data = self.cleaned_data
        comment = Comment(
            article=self.article,
            parent=data["parent"],
            body=data["comment"],
            author_name=data["author"],
            author_email=data["email"],
            author_url=data["url"],
            ip_address=ip_address,
            user_agent=user_agent[:255],
        )
        if self.is_bot:
            comment.status, comment.reason = Status.SPAM, "Filled in the field hidden from people (a bot)."
        return comment
