"""The article form in the admin: forgiving while a story is a draft, clear about what publishing needs.

Wagtail already lets a draft be saved with required fields empty (its
"deferred validation"); the rules here follow that: what readers need (a
byline, alt text for the lead image) is asked for when the story is
submitted, scheduled or published, not when a reporter saves a draft.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.forms import ValidationError
from django.utils.text import slugify
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

# A headline for search results and social cards longer than this is cut by them.
SHORT_HEADLINE_ADVICE = 70


def limit_length(field, limit, message, advice=None):
    """Let ``field`` take text of any length, counted as typed; refuse what is over ``limit`` with ``message``.

    The browser would silently cut a pasted text at ``maxlength``; here it
    is kept whole and the form says how much to cut. ``advice`` is a softer
    length the counter (``length-counter.js``) warns beyond.
    """
    field.widget.attrs.pop("maxlength", None)
    field.widget.attrs["data-length-limit"] = limit
    if advice:
        field.widget.attrs["data-length-advice"] = advice
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(limit, message=message))


def byline_the_writer(article, user):
    """Start a new ``article`` with the byline of the author page linked to ``user``'s account, if there is one."""
    from .models import ArticleByline, AuthorPage

    if getattr(user, "pk", None) is None:
        return
    author = AuthorPage.objects.filter(user=user).first()
    if author is not None and not article.bylines.all():
        article.bylines = [ArticleByline(author=author)]


def newsroom_schedule(form):
    """Name the schedule's times as a newsroom does; keep a time typed in the schedule dialog when it is closed.

    Wagtail puts the fields back as they were when the dialog closes (Escape,
    the close button), so a time typed there vanished and the next Publish
    went live at once. Kept, it takes effect with the next Publish or Save.
    """
    for name, label in (("go_live_at", "Go-live time"), ("expire_at", "Take-down time")):
        if name in form.fields:
            form.fields[name].label = label
            attrs = form.fields[name].widget.attrs
            actions = [a for a in attrs.get("data-action", "").split() if a != "w-dialog:hidden->w-action#reset"]
            attrs["data-action"] = " ".join(actions)


class NewsroomPageForm(WagtailAdminPageForm):
    """The admin form of every page type: its schedule in a newsroom's words, kept when the dialog closes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        newsroom_schedule(self)


class ArticlePageForm(NewsroomPageForm):
    class Media:
        js = ["newsroom/admin/length-counter.js"]
        css = {"all": ["newsroom/admin/article-form.css"]}

    def __init__(self, data=None, *args, **kwargs):
        instance = kwargs.get("instance")
        if data is None and instance is not None and instance.pk is None:
            byline_the_writer(instance, kwargs.get("for_user"))
        super().__init__(data, *args, **kwargs)
        limit_length(
            self.fields["title"],
            255,
            "A headline can have at most %(limit_value)d characters; this one has %(show_value)d. "
            "Shorten it: the standfirst is the place for more.",
        )
        if "seo_title" in self.fields:
            limit_length(
                self.fields["seo_title"],
                255,
                "This headline can have at most %(limit_value)d characters; this one has %(show_value)d.",
                advice=SHORT_HEADLINE_ADVICE,
            )

        # Made from the headline when left empty (below): the page's script fills it in as the editor
        # types, but a save must not fail because a script had not run.
        self.fields["slug"].required = False

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        title = self.cleaned_data.get("title")
        if not slug and title:
            slug = self.free_slug(slugify(title, allow_unicode=getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)))
        if not slug:
            raise ValidationError("Give the article a web address, or a headline to make one from.")
        return slug

    def free_slug(self, wanted):
        """``wanted`` (cut to fit), or with -2, -3… when another page in the folder has it."""
        wanted = wanted[:240].strip("-") or "article"
        slug, number = wanted, 1
        while not Page._slug_is_available(slug, self.parent_page, self.instance):
            number += 1
            slug = f"{wanted}-{number}"
        return slug

    def clean(self):
        cleaned_data = super().clean()
        if not self.is_deferred_validation:  # submitting, scheduling or publishing: readers' needs come first
            if cleaned_data.get("lead_image") and not cleaned_data.get("lead_image_alt", "").strip():
                self.add_error(
                    "lead_image_alt",
                    ValidationError("Describe the lead image for readers who cannot see it, then publish."),
                )
        return cleaned_data

    def is_valid(self):
        """Valid, and (unless saving a draft) with at least one byline, said beside the Bylines panel."""
        valid = super().is_valid()
        if self.is_deferred_validation:
            return valid
        bylines = self.formsets["bylines"]
        bylines.is_valid()  # checked even where another formset's errors stopped the checking
        if not self.bylines_kept(bylines):
            bylines._non_form_errors.append("Add a byline before publishing: readers want to know who wrote this.")
            return False
        return valid

    @staticmethod
    def bylines_kept(formset):
        return [
            form
            for form in formset.forms
            if form.cleaned_data.get("author") and not (formset.can_delete and formset._should_delete_form(form))
        ]
