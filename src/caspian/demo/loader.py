"""Load The Caspian Times into an empty Caspian site.

The content (``content/publication.json``, and readers' comments in
``content/comments.json``) is original writing for this demo; images are
drawn on the fly. Loading is all-or-nothing (one transaction) and happens
once: a site that already has articles or authors is left untouched.
"""

import json
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Site
from wagtail.rich_text import RichText

from ..comments import moderation
from ..comments.factories import CommentFactory
from ..comments.models import Status
from ..masthead.models import MastheadSettings
from ..newsroom import images as newsroom_images
from ..newsroom.factories import (
    ArticlePageFactory,
    AuthorIndexPageFactory,
    AuthorPageFactory,
    LiveBlogPageFactory,
    NewsImageFactory,
    SectionPageFactory,
    StandardPageFactory,
    TopicPageFactory,
)
from ..newsroom.models import (
    ArticleCorrection,
    ArticlePage,
    AuthorPage,
    HomePage,
    LiveBlogEntry,
    MustReadPick,
    PublicationSettings,
    TimelineEvent,
)
from . import illustrations

CONTENT = Path(__file__).parent / "content" / "publication.json"
COMMENTS = Path(__file__).parent / "content" / "comments.json"
TIME_ZONE = "Europe/Berlin"
DOCUMENTATION_NETWORKS = ("192.0.2", "198.51.100", "203.0.113")
MUNICH = {"weather_city": "Munich", "latitude": 48.13743, "longitude": 11.57549}


class AlreadyLoaded(Exception):
    """The site has content of its own; the demo is not loaded over it."""


def load(progress=lambda done, total, label: None, now=None, prepare_images=True):
    """Load the demo; returns the number of articles. Raises :class:`AlreadyLoaded`.

    ``progress(done, total, label)`` is called as work advances. With
    ``prepare_images`` every image size reader pages use is made now (about
    half a minute), so the first visits are quick.
    """
    if ArticlePage.objects.exists() or AuthorPage.objects.exists():
        raise AlreadyLoaded("This site already has articles or authors.")
    content = json.loads(CONTENT.read_text(encoding="utf-8"))
    now = now or timezone.now()
    with transaction.atomic():
        home = _publication(content["publication"])
        sections = {s["slug"]: SectionPageFactory(parent=home, **s) for s in content["sections"]}
        authors = _authors(home, content["authors"])
        topics = {item["slug"]: _topic(home, item) for item in content["topics"]}
        places = {"sections": sections, "authors": authors, "topics": topics}
        articles = content["articles"]
        stories = [(_article, item) for item in articles] + [(_live_blog, item) for item in content["live_blogs"]]
        created = {}
        for done, (make, item) in enumerate(stories, start=1):
            created[item["slug"]] = make(item, places, now)
            progress(done, len(stories), "articles")
        for item in content["topics"]:
            _timeline(topics[item["slug"]], item["timeline"], created, now)
        _about(home, content["publication"])
        _comments(created, now)
        picks = sorted((a for a in articles if a.get("must_read")), key=lambda a: a["must_read"])
        home.must_read_picks = [MustReadPick(article=created[a["slug"]]) for a in picks]
        home.save_revision().publish()
        if prepare_images:
            # Before the commit, with a progress bar: the image tasks that
            # publishing queues for the commit then find nothing left to do.
            _prepare_renditions(list(created.values()), list(authors.values()), progress)
    return len(created)


def _publication(publication):
    site = Site.objects.get(is_default_site=True)
    base = urlsplit(settings.BASE_URL)
    site.hostname = base.hostname
    site.port = base.port or (443 if base.scheme == "https" else 80)
    site.site_name = publication["name"]
    site.save()
    home = site.root_page.specific
    if not isinstance(home, HomePage):
        raise AlreadyLoaded("The default site's root is not a Caspian home page.")
    home.title = publication["name"]
    home.save_revision().publish()
    PublicationSettings.objects.update_or_create(
        site=site, defaults={"tagline": publication["tagline"], "language": "en", "time_zone": TIME_ZONE}
    )
    MastheadSettings.objects.update_or_create(site=site, defaults=MUNICH)
    return home


def _authors(home, authors):
    index = AuthorIndexPageFactory(parent=home, title="Our journalists", slug="authors")
    created = {}
    for author in authors:
        initials = "".join(part[0] for part in author["name"].split()[:2])
        photo = _image(author["name"], illustrations.portrait(author["slug"], initials), f"{author['slug']}.jpg")
        created[author["slug"]] = AuthorPageFactory(
            parent=index,
            title=author["name"],
            slug=author["slug"],
            role=author["role"],
            bio=author["bio"],
            website=author["website"],
            photo=photo,
        )
    return created


def _topic(home, item):
    return TopicPageFactory(parent=home, title=item["title"], slug=item["slug"], intro=item["intro"])


def _timeline(topic, events, pages, now):
    """The topic's key dates, each linking to the story that tells it; then the topic is published."""
    today = timezone.localtime(now, ZoneInfo(TIME_ZONE)).date()
    topic.timeline = [
        TimelineEvent(
            date=today - timedelta(days=event["days_ago"]),
            title=event["title"],
            text=event["text"],
            page=pages[event["page"]],
        )
        for event in events
    ]
    topic.save_revision().publish()


def _story_fields(item, places, published):
    """What articles and live blogs share: placing, bylines, topics, headline, lead image."""
    lead = item["lead_image"]
    return {
        "section": places["sections"][item["section"]],
        "authors": [places["authors"][slug] for slug in item["authors"]],
        "tags": item["tags"],
        "topics": [places["topics"][slug] for slug in item.get("topics", [])],
        "title": item["title"],
        "slug": item["slug"],
        "standfirst": item["standfirst"],
        "dateline": item["dateline"],
        "lead_image": _image(
            item["title"],
            illustrations.illustration(item["slug"], lead["motif"]),
            f"{item['slug']}.jpg",
            credit=lead["credit"],
        ),
        "lead_image_alt": lead["alt"],
        "lead_image_caption": lead["caption"],
        "first_published_at": published,
    }


def _article(item, places, now):
    published = _published_at(item, now)
    update = item.get("update")
    corrections = [
        ArticleCorrection(
            published_at=min(published + timedelta(days=correction["days_after"], hours=2), now),
            text=correction["text"],
        )
        for correction in item.get("corrections", [])
    ]
    page = ArticlePageFactory(
        **_story_fields(item, places, published),
        body=[_block(block) for block in item["body"]],
        corrections=corrections,
        update_note_on_create=update["note"] if update else "",
        update_after=min(timedelta(days=update["days_after"], hours=3), now - published) if update else None,
    )
    page.save_revision().publish()
    return page


def _live_blog(item, places, now):
    """A live blog still open, its entries spread over the hours since it started."""
    entries = [
        LiveBlogEntry(
            posted_at=now - timedelta(minutes=entry["minutes_ago"]),
            author=places["authors"][entry["author"]],
            headline=entry["headline"],
            body=f"<p>{escape(entry['text'])}</p>",
            pinned=entry.get("pinned", False),
        )
        for entry in item["entries"]
    ]
    page = LiveBlogPageFactory(
        **_story_fields(item, places, now - timedelta(hours=item["started_hours_ago"])),
        body=[("paragraph", RichText(f"<p>{escape(text)}</p>")) for text in item["summary"]],
        entries=entries,
        is_open=True,
    )
    page.save_revision().publish()
    return page


def _published_at(item, now):
    zone = ZoneInfo(TIME_ZONE)
    day = timezone.localtime(now, zone).date() - timedelta(days=item["published_days_ago"])
    hour, minute = (int(part) for part in item["published_time"].split(":"))
    published = datetime.combine(day, time(hour, minute), tzinfo=zone)
    # Today's stories scheduled for later in the day are placed just before now.
    return min(published, now - timedelta(minutes=20 + len(item["slug"])))


def _block(block):
    kind, value = block["type"], block["value"]
    if kind == "paragraph":
        return ("paragraph", RichText(f"<p>{value}</p>"))
    if kind == "fact_box":
        items = "".join(f"<li>{escape(fact)}</li>" for fact in value["items"])
        return ("fact_box", {"title": value["title"], "body": RichText(f"<ul>{items}</ul>")})
    return (kind, value)


def _image(title, data, filename, credit="Illustration: The Caspian Times"):
    return NewsImageFactory(title=title, file=ContentFile(data, name=filename), credit=credit)


def _about(home, publication):
    paragraphs = [("paragraph", RichText(f"<p>{escape(text)}</p>")) for text in publication["about"]]
    StandardPageFactory(
        parent=home, title="About us", slug="about", introduction=publication["about_intro"], body=paragraphs
    )


def _comments(articles, now):
    """Readers' comments, threaded, on some articles; their comment counts kept. Returns how many."""
    content = json.loads(COMMENTS.read_text(encoding="utf-8"))
    readers = {}
    made = []
    for entry in content["articles"]:
        article = articles[entry["article"]]
        clock = _CommentClock(article.first_published_at, now, entry["comments"])
        made += _thread(article, entry["comments"], None, clock, readers)
    moderation.recount({comment.article_id for comment in made})
    return len(made)


def _thread(article, items, parent, clock, readers):
    made = []
    for item in items:
        status = item.get("status", Status.APPROVED)
        created_at = clock.at(item["after"])
        if item["email"] not in readers:  # one address per reader, from the documentation ranges (RFC 5737)
            readers[item["email"]] = f"{DOCUMENTATION_NETWORKS[len(readers) % 3]}.{len(readers) + 10}"
        comment = CommentFactory(
            article=article,
            parent=parent,
            author_name=item["author"],
            author_email=item["email"],
            author_url=item.get("website", ""),
            body=item["text"],
            status=status,
            reason=item.get("reason", ""),
            flag_count=item.get("flag_count", 0),
            notify_replies=item.get("notify_replies", False),
            reply_notified=parent is not None and status == Status.APPROVED,
            created_at=created_at,
            moderated_at=min(created_at + timedelta(minutes=25), clock.now) if status == Status.APPROVED else None,
            ip_address=readers[item["email"]],
        )
        made.append(comment)
        made += _thread(article, item.get("replies", []), comment, clock, readers)
    return made


class _CommentClock:
    """Comment times after an article's publication, squeezed (in order) into the time it has been out."""

    OFFSET = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")

    def __init__(self, published, now, items):
        self.published, self.now = published, now - timedelta(minutes=2)
        latest = max(self._offset(after) for after in self._afters(items))
        room = self.now - published
        self.scale = min(1.0, room / latest) if latest and room > timedelta(0) else 1.0

    def at(self, after):
        return min(self.published + self._offset(after) * self.scale, self.now)

    def _afters(self, items):
        for item in items:
            yield item["after"]
            yield from self._afters(item.get("replies", []))

    @classmethod
    def _offset(cls, after):
        match = cls.OFFSET.fullmatch(after)
        if not match or not after:
            raise ValueError(f"Comment time {after!r}: write it as e.g. 1d4h, 2h15m or 40m.")
        days, hours, minutes = (int(part or 0) for part in match.groups())
        return timedelta(days=days, hours=hours, minutes=minutes)


def _prepare_renditions(articles, authors, progress):
    """Make every image size the reader pages use now, rather than on the first visits."""
    jobs = [(a.lead_image, ("lead", "card")) for a in articles] + [(a.photo, ("portrait",)) for a in authors]
    for done, (image, presets) in enumerate(jobs, start=1):
        newsroom_images.prepare_renditions(image, *presets)
        progress(done, len(jobs), "image sizes")
