"""Posts → articles and pages → plain pages: mapped, then written in bulk (new) or through Wagtail (changed).

Statuses: ``publish`` → live; ``draft`` and ``pending`` (and statuses
WordPress plugins invent) → draft; ``future`` → scheduled, with a
revision approved to go live at the post's date (Wagtail's
``publish_scheduled`` publishes it); ``private`` → live behind a login;
a post password → live behind that password (Wagtail's view
restrictions). ``trash``, ``auto-draft`` and ``inherit`` are skipped.

Dates: first published at ``post_date_gmt`` (or the local date, at the
site's UTC offset as the export shows it elsewhere), last published and
latest revision at the modified date.

A post or page imported before is compared by checksum with what it
would be made into now: the same, it is left alone (with any edits made
in Caspian since); different, it is updated through Wagtail's own API
(moved, revised, published), so its history shows the change.
"""

from dataclasses import dataclass, field
from datetime import UTC

from wagtail.models import Page, PageViewRestriction

from ..newsroom.bulk import insert_rows, slug_from
from ..newsroom.models import ArticleByline, ArticlePage, ArticleTag, HomePage, MustReadPick, StandardPage
from .ledger import checksum, without_ids
from .models import Kind
from .summary import NotPublic
from .taxonomy import slug_key
from .text import one_line, plain_text, standfirst

CHUNK = 500
SKIPPED = {"trash": "in the trash", "auto-draft": "an automatic draft", "inherit": "a revision"}
LIVE, DRAFT, SCHEDULED = "live", "draft", "scheduled"
UNTITLED = "(no title)"
MUST_READ_MAX = 10  # HomePage's Must read panel holds ten
SLUG_LENGTH = 255
BYLINE_FIELDS = [ArticleByline._meta.get_field(name) for name in ("page", "author", "sort_order")]
TAG_FIELDS = [ArticleTag._meta.get_field(name) for name in ("content_object", "tag")]


class Clock:
    """WordPress's local times as aware ones, at the site's UTC offset (learnt from items giving both)."""

    def __init__(self, zone):
        self.zone = zone
        self.offset = None

    def learn(self, item):
        if self.offset is None and item.date and item.date_gmt:
            self.offset = item.date.replace(tzinfo=UTC) - item.date_gmt

    def aware(self, naive):
        if naive is None:
            return None
        if self.offset is not None:
            return (naive - self.offset).replace(tzinfo=UTC)
        return naive.replace(tzinfo=self.zone)


@dataclass
class Plan:
    """What one post or page becomes."""

    item: object
    kind: str  # Kind.POST or Kind.PAGE
    fields: dict
    slug: str
    state: str  # LIVE, DRAFT or SCHEDULED
    restriction: str = ""  # "", "login" or "password"
    parent: Page | None = None  # the year folder of an article
    authors: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    digest: str = ""
    page_id: int | None = None
    url_path: str = ""

    @property
    def published(self):
        return self.fields.get("first_published_at") or self.fields.get("go_live_at")


class Posts:
    """Posts a chunk at a time as they stream in; pages all at the end (their parents may come later)."""

    def __init__(self, job):
        self.job = job
        self.queue = []
        self.pages = []
        self.sticky = []  # article pks for Must read

    # --- mapping --------------------------------------------------------------------------------

    def add(self, item):
        """Map a post or page item; written when its chunk is (pages: by :meth:`finish`)."""
        job = self.job
        job.clock.learn(item)
        kind = "posts" if item.post_type == "post" else "pages"
        reason = SKIPPED.get(item.status)
        if reason is not None:
            job.summary.skip(kind, reason)
            job.comments.skip_post(item, reason)
            return
        plan = self._plan(item)
        if item.post_type == "post":
            self.queue.append(plan)
            if len(self.queue) >= CHUNK:
                self.flush()
        else:
            self.pages.append(plan)

    def _plan(self, item):
        job = self.job
        published = item.date_gmt or job.clock.aware(item.date)
        modified = item.modified_gmt or job.clock.aware(item.modified) or published or job.now
        if published and modified < published:
            modified = published
        if item.status in ("publish", "private"):
            state = LIVE
        elif item.status == "future" and published:
            state = SCHEDULED
        else:
            state = DRAFT
        restriction = "password" if item.password else "login" if item.status == "private" else ""
        title = one_line(item.title)[:255]
        if not title:
            title = UNTITLED
            job.summary.notes[f"{item.post_type}s without a title, titled {UNTITLED!r}"] += 1
        wanted = slug_from(slug_key(item.slug), SLUG_LENGTH, default="") or slug_from(title, default="")
        wanted = wanted or f"{item.post_type}-{item.wp_id}"
        conversion = _convert(item.content, job.media.image_for)
        for address in conversion.missing_images:
            job.summary.missing_media.append(f"{address} (in {item.post_type} {item.wp_id} {title!r})")
        for note in conversion.notes:
            job.summary.notes[note] += 1
        fields = {
            "title": title,
            "draft_title": title,
            "body": conversion.blocks,
            "live": state == LIVE,
            "has_unpublished_changes": state != LIVE,
            "first_published_at": published if state == LIVE else None,
            "last_published_at": modified if state == LIVE else None,
            "latest_revision_created_at": modified,
            "go_live_at": published if state == SCHEDULED else None,
        }
        plan = Plan(item=item, kind=Kind.POST, fields=fields, slug=wanted, state=state, restriction=restriction)
        if item.post_type == "post":
            self._article(plan, published or modified)
        else:
            plan.kind = Kind.PAGE
            fields["introduction"] = plain_text(item.excerpt)
            plan.digest = checksum(
                "page", {k: v for k, v in fields.items() if k != "body"}, without_ids(fields["body"]),
                wanted, restriction, item.password, item.parent_id,
            )  # fmt: skip
        return plan

    def _article(self, plan, when):
        job, item, fields = self.job, plan.item, plan.fields
        section, tags = job.taxonomy.file(item)
        plan.parent = job.taxonomy.folder(section, when.astimezone(job.zone).year)
        plan.tags = tags
        logins = [item.creator] + [term.slug.removeprefix("cap-") for term in item.terms if term.taxonomy == "author"]
        authors = {}
        for login in logins:
            author = job.people.author(login)
            if author is not None:
                authors.setdefault(author.pk, author)
        plan.authors = list(authors.values())
        lead = job.media.lead(item)
        image_id, alt, caption = lead or (None, "", "")
        fields.update(
            standfirst=standfirst(item.excerpt, item.content),
            lead_image_id=image_id,
            lead_image_alt=alt,
            lead_image_caption=caption,
            comments_open=item.comment_status != "closed",
            section=section,
        )
        plan.digest = checksum(
            "post",
            {k: v for k, v in fields.items() if k not in ("body", "section")},
            without_ids(fields["body"]),
            section.pk,
            plan.parent.pk,
            plan.slug,
            plan.restriction,
            item.password,
            [author.pk for author in plan.authors],
            sorted(tag.pk for tag in plan.tags),
        )

    # --- writing posts ------------------------------------------------------------------------

    def flush(self):
        """Write the queued posts, their comments and redirects."""
        plans, self.queue = self.queue, []
        if not plans:
            return
        job = self.job
        job.ledger.load(Kind.POST, [plan.item.wp_id for plan in plans])
        job.ledger.load(Kind.COMMENT, [comment.wp_id for plan in plans for comment in plan.item.comments])
        new, changed = self._sort(plans, ArticlePage, "posts")
        self._write(new, ArticlePage)
        for plan in changed:
            self._update(plan)
        for plan in plans:
            job.comments.add(plan.page_id, plan.item, plan.published)
            if plan.item.is_sticky and plan.state == LIVE and not plan.restriction:
                self.sticky.append(plan.page_id)
        job.comments.flush()
        self._redirect(plans)
        job.tree.index()
        job.ledger.flush()

    def _sort(self, plans, model, kind):
        """``(new, changed)`` plans; unchanged ones are counted and get their page's id and address."""
        job = self.job
        entries = {id(plan): job.ledger.find(plan.kind, plan.item.wp_id) for plan in plans}
        wanted = [entry.object_id for entry in entries.values() if entry is not None]
        present = dict(model.objects.filter(pk__in=wanted).values_list("pk", "url_path")) if wanted else {}
        new, changed = [], []
        for plan in plans:
            entry = entries[id(plan)]
            if entry is None or entry.object_id not in present:
                new.append(plan)
                continue
            plan.page_id, plan.url_path = entry.object_id, present[entry.object_id]
            if entry.checksum == plan.digest:
                job.summary.add(kind, "unchanged")
            else:
                changed.append(plan)
        return new, changed

    def _write(self, plans, model):
        """Write new articles or pages in bulk, each below its ``parent``."""
        if not plans:
            return
        job = self.job
        pages = []
        for plan in plans:
            page = model(**plan.fields)
            job.tree.place(plan.parent, page, plan.slug)
            if model is ArticlePage:
                # In memory too, for the revision and the search index.
                page.bylines = [ArticleByline(author=author, sort_order=n) for n, author in enumerate(plan.authors)]
                page.tagged_items = [ArticleTag(tag=tag) for tag in plan.tags]
            pages.append(page)
        job.tree.write(pages)
        if model is ArticlePage:
            insert_rows(
                ArticleByline,
                BYLINE_FIELDS,
                ((page.pk, author.pk, n) for page, plan in zip(pages, plans, strict=True)
                 for n, author in enumerate(plan.authors)),
            )  # fmt: skip
            insert_rows(
                ArticleTag,
                TAG_FIELDS,
                ((page.pk, tag.pk) for page, plan in zip(pages, plans, strict=True) for tag in plan.tags),
            )
        restrictions = []
        for page, plan in zip(pages, plans, strict=True):
            plan.page_id, plan.url_path = page.pk, page.url_path
            if plan.restriction:
                restrictions.append(
                    PageViewRestriction(page_id=page.pk, restriction_type=plan.restriction, password=plan.item.password)
                )
            self._done(plan, "imported")
        PageViewRestriction.objects.bulk_create(restrictions)

    def _done(self, plan, outcome):
        job = self.job
        kind = "posts" if plan.kind == Kind.POST else "pages"
        job.summary.add(kind, outcome)
        job.ledger.record(plan.kind, plan.item.wp_id, ArticlePage if plan.kind == Kind.POST else StandardPage,
                          plan.page_id, plan.digest)  # fmt: skip
        if kind == "posts":
            job.summary.statuses[plan.restriction or plan.state] += 1
        if plan.restriction:
            path = plan.url_path[len(job.home.url_path) - 1 :]
            job.summary.not_public.append(NotPublic(plan.fields["title"], path, plan.restriction))

    def _update(self, plan):
        """Bring a page imported before up to date through Wagtail: moved, revised, (un)published."""
        job = self.job
        model = ArticlePage if plan.kind == Kind.POST else StandardPage
        page = model.objects.get(pk=plan.page_id)
        # Honest dates: once published, the first publication time stays, whatever WordPress now says.
        first_published_at = page.first_published_at or plan.fields["first_published_at"]
        parent = plan.parent
        if page.path[: -Page.steplen] != parent.path:
            page.move(parent, pos="last-child")
            job.tree.forget(parent)
            page = model.objects.get(pk=plan.page_id)
        for name, value in plan.fields.items():
            if name not in ("live", "has_unpublished_changes", "first_published_at", "last_published_at"):
                setattr(page, name, value)
        if page.slug != plan.slug:
            page.slug = _free_slug(parent, plan.slug, page.pk)
        if model is ArticlePage:
            page.bylines = [ArticleByline(author=author, sort_order=n) for n, author in enumerate(plan.authors)]
            page.tags.set(plan.tags)
        # Not validated, as new pages written in bulk are not: WordPress's content is taken as it is.
        if plan.state == LIVE:
            page.go_live_at = None
            page.save_revision(log_action=True, clean=False).publish(log_action=True)
        else:
            if page.live:
                page.unpublish(log_action=True)
            page.save(clean=False)
            page.save_revision(approved_go_live_at=plan.fields["go_live_at"], log_action=True, clean=False)
        Page.objects.filter(pk=page.pk).update(
            first_published_at=first_published_at or page.first_published_at,
            last_published_at=plan.fields["last_published_at"] or page.last_published_at,
        )
        PageViewRestriction.objects.filter(page_id=page.pk).delete()
        if plan.restriction:
            PageViewRestriction.objects.create(
                page_id=page.pk, restriction_type=plan.restriction, password=plan.item.password
            )
        plan.url_path = Page.objects.filter(pk=page.pk).values_list("url_path", flat=True).get()
        self._done(plan, "updated")

    def _redirect(self, plans):
        for plan in plans:
            self.job.redirects.add(plan.item, plan.page_id, plan.url_path)
        self.job.redirects.flush()

    # --- pages, at the end ----------------------------------------------------------------------

    def finish(self):
        """Write the pages, parents before children, then the Must read picks."""
        self.flush()
        job = self.job
        plans, self.pages = self.pages, []
        job.ledger.load(Kind.PAGE, [wp_id for plan in plans for wp_id in (plan.item.wp_id, plan.item.parent_id)])
        by_wp_id = {plan.item.wp_id: plan for plan in plans}
        waiting = list(plans)
        while waiting:
            pending = {plan.item.wp_id for plan in waiting}
            ready = [plan for plan in waiting if plan.item.parent_id not in pending]
            if not ready:  # a loop in post_parent: the rest go below the home page
                ready = waiting
                for plan in ready:
                    plan.item.parent_id = 0
            for plan in ready:
                plan.parent = self._parent_page(plan.item.parent_id, by_wp_id)
            new, changed = self._sort(ready, StandardPage, "pages")
            self._write(new, StandardPage)
            for plan in changed:
                self._update(plan)
            for plan in ready:
                job.comments.skip_page(plan.item)
            self._redirect(ready)
            waiting = [plan for plan in waiting if plan not in ready]
        job.tree.index()
        job.ledger.flush()
        self._must_read()

    def _parent_page(self, wp_id, by_wp_id):
        job = self.job
        plan = by_wp_id.get(wp_id) if wp_id else None
        if plan is not None and plan.page_id:
            return self._page(plan.page_id)
        entry = job.ledger.find(Kind.PAGE, wp_id) if wp_id else None
        if entry is not None:
            page = StandardPage.objects.filter(pk=entry.object_id).first()
            if page is not None:
                return page
        return job.home

    def _page(self, pk):
        written = getattr(self, "_written", None)
        if written is None:
            written = self._written = {}
        if pk not in written:
            written[pk] = StandardPage.objects.get(pk=pk)
        return written[pk]

    def _must_read(self):
        """Sticky posts join the home page's Must read picks (up to the ten it holds)."""
        job = self.job
        if not self.sticky:
            return
        home = HomePage.objects.get(pk=job.home.pk)
        picked = set(MustReadPick.objects.filter(page=home).values_list("article_id", flat=True))
        wanted = [pk for pk in dict.fromkeys(self.sticky) if pk not in picked]
        room = max(0, MUST_READ_MAX - len(picked))
        added, left = wanted[:room], wanted[room:]
        if left:
            job.summary.notes[f"sticky posts not added to Must read (it holds {MUST_READ_MAX})"] += len(left)
        if not added:
            return
        job.summary.notes["sticky posts added to Must read"] += len(added)
        if job.dry_run:
            return
        draft = home.has_unpublished_changes
        target = home.get_latest_revision_as_object() if draft else home
        start = max((pick.sort_order or 0 for pick in target.must_read_picks.all()), default=-1) + 1
        for n, pk in enumerate(added):
            target.must_read_picks.add(MustReadPick(article_id=pk, sort_order=start + n))
        revision = target.save_revision(log_action=True)
        if draft:
            job.summary.notes["Must read picks wait in the home page's draft: publish it to show them"] += 1
        else:
            revision.publish(log_action=True)


def _convert(html, image_for):
    from .content import convert

    return convert(html, image_for=image_for)


def _free_slug(parent, slug, pk):
    taken = set(Page.objects.child_of(parent).exclude(pk=pk).values_list("slug", flat=True))
    free, n = slug, 1
    while free in taken:
        n += 1
        free = f"{slug[: SLUG_LENGTH - len(str(n)) - 1]}-{n}"
    return free
