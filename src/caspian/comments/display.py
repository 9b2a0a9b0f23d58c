"""What the article page shows of its comments: one page of threads, and the form.

:func:`article_context` is the article page's one way in, registered as
its part (:mod:`caspian.newsroom.page_parts`) by ``CommentsConfig.ready()``.
A page of comments it renders costs two queries however many comments
there are (one when there are none): the ids of every approved comment (to
cut the threads into pages), then the comments of the page shown. Most
requests render none: the page comes kept (see :func:`article_context`).

Threads run oldest first, so a thread keeps its page as new ones arrive and
a link to a comment stays good (:func:`comment_url`). The page is chosen by
``?comments=N``; without it the article shows the **last** page. A news
article's conversation happens at its newest end: a reader coming from the
front page or a share wants the latest reactions, and the form below them
adds to that page, so a new comment appears where its writer was reading.
Readers who want the start of the discussion follow "Older comments", as
on the blogs and news sites they know (WordPress's default does the same).
"""

from collections import defaultdict

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.template.loader import render_to_string

from .. import fragments
from ..newsroom.cache_tags import page_tag
from . import policy
from .forms import CommentForm
from .numbers import to_int

PAGE_PARAMETER = "comments"


def threads(comments, max_depth=None):
    """Arrange approved comments (oldest first) into threads; returns the top-level ones.

    Each comment gets ``shown_replies`` (a list), ``depth`` (1 at the top)
    and ``can_reply``. Below ``COMMENTS_MAX_DEPTH`` replies are shown at that
    depth, each after the comment it answers. A reply whose parent is not
    shown becomes a top-level comment; one dated before its parent (an
    import, a clock out of step) still nests.
    """
    max_depth = max_depth or settings.COMMENTS_MAX_DEPTH
    by_id = {c.pk: c for c in comments}
    replies = defaultdict(list)
    for comment in comments:
        replies[comment.parent_id if comment.parent_id in by_id else None].append(comment)

    def place(comment, depth, into):
        comment.depth, comment.can_reply, comment.shown_replies = depth, depth < max_depth, []
        into.append(comment)
        below = comment.shown_replies if depth < max_depth else into  # at the deepest level, beside it
        for reply in replies.pop(comment.pk, ()):  # pop: each comment is placed once
            place(reply, min(depth + 1, max_depth), below)

    top_level = []
    for comment in replies.pop(None, ()):
        place(comment, 1, top_level)
    return top_level


class CommentPages:
    """Which page of an article's comments shows each approved comment.

    Built from ``(pk, parent_id)`` of the approved comments, oldest first
    (:meth:`for_article`), with the rule of :func:`threads`: a comment whose
    parent is not shown starts a thread. Each page holds ``per_page``
    threads (default ``COMMENTS_PER_PAGE``), replies and all; page 1 has the
    oldest.
    """

    def __init__(self, rows, per_page=None):
        rows = list(rows)
        shown = {pk for pk, _ in rows}
        children = defaultdict(list)
        roots = []
        for pk, parent_id in rows:
            if parent_id in shown:
                children[parent_id].append(pk)
            else:
                roots.append(pk)
        self.members = []  # the comment ids of each thread
        self.thread_of = {}
        for index, root in enumerate(roots):
            thread, waiting = [], [root]
            while waiting:
                pk = waiting.pop()
                thread.append(pk)
                self.thread_of[pk] = index
                waiting.extend(children.pop(pk, ()))
            self.members.append(thread)
        self.count = len(rows)
        self.paginator = Paginator(roots, per_page or settings.COMMENTS_PER_PAGE)

    @classmethod
    def for_article(cls, article, per_page=None):
        """One query: the ids of the article's approved comments, however many (a few bytes each)."""
        rows = article.comments.approved().order_by("created_at", "pk").values_list("pk", "parent_id")
        return cls(rows, per_page)

    @property
    def last(self):
        return self.paginator.num_pages

    def page_of(self, comment_id):
        """The page number showing the comment, or ``None`` if it is not shown."""
        index = self.thread_of.get(comment_id)
        return None if index is None else index // self.paginator.per_page + 1

    def ids_on(self, number):
        """The ids of every comment on page ``number`` (1 to :attr:`last`)."""
        start = (number - 1) * self.paginator.per_page
        return [pk for thread in self.members[start : start + self.paginator.per_page] for pk in thread]

    def number_from(self, value):
        """The page asked for by a ``?comments=`` value; raises ``Http404`` for one we never link to.

        No value shows the last page. A page past the end shows the last
        one: a link made before moderators removed comments still lands
        near its comment. Anything else (``abc``, ``0``, ``-1``, ``²``, a
        number too large to be an id) is no page at all, so it is a 404,
        which no cache keeps.
        """
        if value is None or value == "":
            return self.last
        number = to_int(value)
        if number is None:
            raise Http404("No such page of comments.")
        return min(number, self.last)

    def links(self, number, base_url):
        """The pagination of page ``number``, for ``comments/pagination.html``."""

        def url(n):
            return f"{base_url}?{PAGE_PARAMETER}={n}"

        return {
            "number": number,
            "count": self.last,
            "url": url(number),
            "older_url": url(number - 1) if number > 1 else None,
            "newer_url": url(number + 1) if number < self.last else None,
            # None where pages are left out (…): 1 … 4 5 6 7 8 … 40.
            "pages": [
                (n, url(n)) if isinstance(n, int) else (None, None)
                for n in self.paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
            ],
        }


def article_context(article, request):
    """Template context for an article's comments section.

    A comment post that failed validation leaves its bound form on the
    request (``request.comment_form``) so the page shows the reader's text
    with the messages; otherwise the form is empty, replying to the comment
    named in ``?replyto=`` when that is shown on this article. A reply's
    form is shown on the page of the comment it answers, whatever
    ``?comments=`` says.

    The threads come rendered (``comments_thread``). Without a reply or a
    form to show again, a page of them is the same for every reader, so it
    is kept (:mod:`caspian.fragments`) until the article's comments change.

    Raises ``Http404`` for a ``?comments=`` value that is no page number
    (see :meth:`CommentPages.number_from`).
    """
    if article.pk is None:  # a preview of an unsaved article
        return {"comments_thread": "", "comment_form": None}
    closed = policy.closed_reason(article)
    form = getattr(request, "comment_form", None)
    asked = request.GET.get(PAGE_PARAMETER)
    if form is not None or (not closed and request.GET.get("replyto")) or not _keepable(asked):
        shown, reply_to = _page(article, request, closed, form)
    else:
        key = f"comments:{article.pk}:{asked or 'last'}:{'closed' if closed else 'open'}"

        def render():
            return _page(article, request, closed, empty_form=True)[0]

        shown = fragments.cached(key, render, {page_tag(article.pk)})
        reply_to = None
    if form is None and not closed:
        form = CommentForm(article=article, initial={"parent": reply_to.pk if reply_to else None})
    return {
        "comments_thread": shown["thread"],
        "comments_shown": shown["count"],
        "comments_closed": closed,
        "comment_form": form,
        "reply_to": reply_to,
        "comment_pages": shown["links"],
        "comment_form_html": shown.get("form", ""),
    }


def _keepable(asked):
    """Whether the page of comments ``?comments=asked`` names is kept: the default, or a plausible number.

    A number past the end shows the last page: only the first thousand are
    kept apart, so that no one can fill the cache with copies of it.
    """
    return not asked or (to_int(asked) or 0) in range(1, 1000)


def _page(article, request, closed, form=None, empty_form=False):
    """``({"thread": HTML, "count": approved comments, "links": pagination}, the comment replied to)``.

    ``empty_form``: with ``"form"``, the HTML of the empty form too (while comments are open), the same
    for every reader: it carries no token (see ``CommentForm.fresh_token``).
    """
    pages = CommentPages.for_article(article)
    reply_to_id = None
    if form is None and not closed:
        reply_to_id = to_int(request.GET.get("replyto"))
    elif form is not None and form.is_bound:
        reply_to_id = to_int((form.data.get("parent") or "").strip())
    number = pages.page_of(reply_to_id)
    if number is None:
        reply_to_id = None  # not shown on this article
        number = pages.number_from(request.GET.get(PAGE_PARAMETER))
    ids = pages.ids_on(number)
    shown = list(article.comments.approved().filter(pk__in=ids).order_by("created_at", "pk")) if ids else []
    links = pages.links(number, article.get_url(request))
    thread = render_to_string(
        "comments/thread.html",
        {"comments": threads(shown), "comments_shown": pages.count, "comment_pages": links, "replies_open": not closed},
    )
    reply_to = next((c for c in shown if c.pk == reply_to_id), None)
    page = {"thread": thread, "count": pages.count, "links": links}
    if empty_form and not closed:
        context = {"comment_form": CommentForm(article=article), "comment_pages": links, "page": article}
        page["form"] = render_to_string("comments/form.html", context)
    return page, reply_to


def comment_url(comment, request=None, *, full=False, anchor=None):
    """The address of the page of comments showing ``comment``, at its anchor (or at ``anchor``).

    A comment's own link always names its page (``?comments=N``), so it
    stays good as newer threads fill more pages. ``anchor`` is for a
    notice on whichever page the reader was reading (``comment-held``,
    ``comment-reported``): a one-off return address, so it is the
    article's own address when that shows the page (the page the cache
    most likely has). A comment not shown (held, removed) leads to the page
    of the comment it answers, else to the article's default page, where
    its writer will find it once a moderator approves it. ``full``: with
    the site's scheme and host (for emails and the admin). One query; see
    :func:`comment_urls` for several.
    """
    return comment_urls([comment], request, full=full, anchor=anchor)[comment.pk]


def comment_urls(comments, request=None, *, full=False, anchor=None):
    """:func:`comment_url` of each comment, by pk: one query per article, however many comments.

    ``None`` for a comment on an article with no address (outside every site).
    """
    by_article = defaultdict(list)
    for comment in comments:
        by_article[comment.article_id].append(comment)
    urls = {}
    for group in by_article.values():
        article = group[0].article
        base = article.get_full_url(request) if full else article.get_url(request)
        if base is None:
            urls.update((comment.pk, None) for comment in group)
            continue
        pages = CommentPages.for_article(article)
        for comment in group:
            number = pages.page_of(comment.pk) or pages.page_of(comment.parent_id)
            query = f"?{PAGE_PARAMETER}={number}" if number and not (anchor and number == pages.last) else ""
            urls[comment.pk] = f"{base}{query}#{anchor or comment.anchor}"
    return urls
