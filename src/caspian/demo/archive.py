"""A large archive of generated articles, written in bulk for benchmarks (`caspian generate-archive`).

Adding a page through Wagtail (``add_child``, revisions, signals) costs tens
of milliseconds, so 100,000 articles would take hours. This module writes
the rows directly instead, with :mod:`caspian.newsroom.bulk`: the tree
positions (treebeard's materialised paths) are computed, the base
``wagtailcore_page`` rows and the article rows are inserted a chunk at a
time, then bylines, tags, the
parents' child counts and the search index entries. The result is what
publishing each article would leave behind for readers (live, dated,
filed in its section's year folder, searchable), minus what only editors
see: revisions, the log and the reference index.

The archive is spread over the site's existing sections and authors (a
few authors are created when there are none), about ten years of
publication dates with the newest just before now, and a pool of a few
hundred tags. The text is assembled from this module's own word lists.
Everything is written in one transaction: a failure leaves the site as
it was. The same seed on the same site gives the same archive.
"""

import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from html import escape

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import Site
from wagtail.search.backends import get_search_backends

from ..newsroom import bulk
from ..newsroom.factories import AuthorIndexPageFactory, AuthorPageFactory
from ..newsroom.models import (
    ArchiveYearPage,
    ArticleByline,
    ArticlePage,
    ArticleTag,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    PublicationSettings,
    SectionPage,
)
from ..pagecache import invalidation

DEFAULT_SEED = 2026
DEFAULT_YEARS = 10
CHUNK_SIZE = 2000
AUTHORS_WHEN_NONE = 12


class NoPublication(Exception):
    """The site has no home page with sections to file generated articles in."""


@dataclass
class Report:
    """What :func:`generate` did, and how long it took (seconds)."""

    added: int = 0
    folders_created: int = 0
    authors_created: int = 0
    tags_created: int = 0
    seconds: float = 0.0
    index_seconds: float = 0.0
    newest_path: str = ""  # the newest article's address on the site, e.g. to try it in a browser


def generate(
    count,
    *,
    seed=DEFAULT_SEED,
    years=DEFAULT_YEARS,
    lead_images=True,
    search_index=True,
    chunk_size=CHUNK_SIZE,
    now=None,
    progress=lambda done, total: None,
):
    """Add ``count`` generated, published articles to the default site; returns a :class:`Report`.

    Raises :class:`NoPublication` when the default site's root is not a
    Caspian home page with at least one live section. ``progress(done,
    total)`` is called after each chunk of ``chunk_size`` articles. With
    ``lead_images`` the articles reuse the lead images (and their alt
    text) already on the site, so listings cost what real ones do. With
    ``search_index`` the articles are added to every auto-updated search
    backend as they are written (on the database backend that is most of
    the time taken); without it, run ``update_index`` later.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}.")
    started = time.perf_counter()
    site, home, sections = _publication()
    zone = PublicationSettings.time_zone_of(site)
    now = now or timezone.now()
    existing = ArticlePage.objects.count()
    # Seeded by the archive's size too: a second run adds different stories.
    rng = random.Random(f"{seed}/{existing}")
    report = Report()
    with transaction.atomic():
        authors, report.authors_created = _authors(home, rng)
        tags, report.tags_created = _tag_pool()
        plan = _plan(rng, count, sections, now, years, zone)
        folders, report.folders_created = _folders(sections, {(s.pk, when.year) for s, when in plan})
        images = _lead_images() if lead_images else []
        writer = _Writer(rng, authors, tags, images)
        backends = list(get_search_backends(with_auto_update=True)) if search_index else []
        content_type = ContentType.objects.get_for_model(ArticlePage)
        for start in range(0, count, chunk_size):
            articles, bylines, tagged = [], [], []
            for section, published in plan[start : start + chunk_size]:
                folder = folders[section.pk, published.year]
                article, article_authors, article_tags = writer.article(section, folder, published, home)
                article.content_type = content_type
                articles.append(article)
                bylines.append(article_authors)
                tagged.append(article_tags)
            _insert(articles, bylines, tagged)
            bulk.count_children(folders.values())
            if backends:
                indexing = time.perf_counter()
                for backend in backends:
                    backend.add_bulk(ArticlePage, articles)
                report.index_seconds += time.perf_counter() - indexing
            report.added += len(articles)
            progress(report.added, count)
        report.newest_path = articles[-1].url_path[len(home.url_path) - 1 :]
    # Written in bulk, without Wagtail's publish signals: every cached page may be out of date.
    invalidation.site_changed()
    bulk.refresh_planner_statistics()
    report.seconds = time.perf_counter() - started
    return report


# --- the site the archive goes into -------------------------------------------


def _publication():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = site.root_page.specific if site else None
    sections = list(SectionPage.objects.child_of(home).live().order_by("path")) if isinstance(home, HomePage) else []
    if not sections:
        raise NoPublication(
            "This site has no home page with sections to file articles in: "
            "run `caspian demo --no-serve` (or `caspian setup` and add sections in the admin) first."
        )
    return site, home, sections


def _authors(home, rng):
    """The site's live authors; a few generated ones (and the authors page) when there are none."""
    authors = list(AuthorPage.objects.live().descendant_of(home).order_by("path"))
    if authors:
        return authors, 0
    index = AuthorIndexPage.objects.child_of(home).first()
    if index is None:
        index = AuthorIndexPageFactory(parent=home, title="Our journalists", slug="authors")
    names = set()
    while len(names) < AUTHORS_WHEN_NONE:
        names.add(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
    for name in sorted(names):
        beat = rng.choice(TOPICS)
        authors.append(
            AuthorPageFactory(
                parent=index,
                title=name,
                slug=slugify(name),
                role=rng.choice(AUTHOR_ROLES),
                bio=f"{name.split()[0]} writes about {beat.tag.lower()} from {rng.choice(ALL_PLACES)}.",
                website=f"https://{slugify(name)}.example.org/",
            )
        )
    return authors, len(authors)


def _tag_pool():
    """The few hundred tags articles are tagged from, most popular first; created if missing."""
    names = list(dict.fromkeys(TAG_NAMES))
    slugs = {name: Tag().slugify(name) for name in names}
    before = Tag.objects.count()
    Tag.objects.bulk_create([Tag(name=name, slug=slugs[name]) for name in names], ignore_conflicts=True)
    by_slug = Tag.objects.in_bulk(slugs.values(), field_name="slug")
    by_name = Tag.objects.in_bulk(names, field_name="name")
    # A tag already on the site under another spelling keeps its own name.
    tags = [by_name.get(name) or by_slug.get(slugs[name]) for name in names]
    unique = {tag.pk: tag for tag in tags if tag is not None}
    return list(unique.values()), Tag.objects.count() - before


def _plan(rng, count, sections, now, years, zone):
    """(section, local publication time) of each article, oldest first; the newest minutes before now."""
    newest = now.replace(microsecond=0) - timedelta(minutes=10)
    span = timedelta(days=365.25 * years).total_seconds()
    ages = sorted((rng.random() * span for _ in range(count - 1)), reverse=True)
    ages.append(0.0)
    return [(rng.choice(sections), (newest - timedelta(seconds=int(age))).astimezone(zone)) for age in ages[-count:]]


def _folders(sections, needed):
    """A :class:`~caspian.newsroom.bulk.Children` for every (section pk, year) in ``needed``.

    Missing folders are created, in year order.
    """
    by_pk = {section.pk: section for section in sections}
    folders, created = {}, 0
    for section_pk, year in sorted(needed, key=lambda key: (key[1], key[0])):
        section = by_pk[section_pk]
        existing = ArchiveYearPage.objects.child_of(section).filter(slug=str(year)).exists()
        folders[section_pk, year] = bulk.Children(section.year_folder(year))
        created += not existing
    return folders, created


def _lead_images():
    """(image id, alt text, caption) of the lead images already used on the site."""
    rows = ArticlePage.objects.filter(lead_image__isnull=False).exclude(lead_image_alt="")
    columns = ("lead_image_id", "lead_image_alt", "lead_image_caption")
    return list(rows.values_list(*columns).order_by(*columns).distinct()[:200])


# --- writing rows ---------------------------------------------------------------

BYLINE_FIELDS = [ArticleByline._meta.get_field(name) for name in ("page", "author", "sort_order")]
TAG_FIELDS = [ArticleTag._meta.get_field(name) for name in ("content_object", "tag")]


def _insert(articles, bylines, tagged):
    """Write a chunk of articles, their bylines and their tags; ``articles`` get their primary keys."""
    bulk.insert_pages(articles)
    rows = zip(articles, bylines, strict=True)
    bulk.insert_rows(
        ArticleByline, BYLINE_FIELDS, ((a.pk, author.pk, n) for a, authors in rows for n, author in enumerate(authors))
    )
    rows = zip(articles, tagged, strict=True)
    bulk.insert_rows(ArticleTag, TAG_FIELDS, ((a.pk, tag.pk) for a, tags in rows for tag in tags))


# --- writing text -----------------------------------------------------------------


class _Writer:
    """Makes one article at a time (unsaved, with bylines and tags beside it) from the word lists."""

    def __init__(self, rng, authors, tags, images):
        self.rng = rng
        self.authors = authors
        self.images = images
        self.tags = tags
        # Popularity falls with rank, so a few tags are big and most are small, as on a real site.
        self.tag_weights = _cumulative([1 / (rank + 1) ** 0.8 for rank in range(len(tags))])
        self.tags_by_name = {tag.name: tag for tag in tags}

    def article(self, section, folder, published, home):
        """(unsaved ArticlePage, its authors, its tags) for ``section``'s ``folder``, published at ``published``."""
        rng = self.rng
        places, topics = _beat(section)
        story = _Story(rng, rng.choice(places), rng.choice(topics), places, published)
        title = story.headline()
        slug, path = folder.claim(bulk.slug_from(title, default="story"))
        image_id, alt, caption = rng.choice(self.images) if self.images else (None, "", "")
        article = ArticlePage(
            title=title,
            draft_title=title,
            slug=slug,
            path=path,
            depth=folder.page.depth + 1,
            numchild=0,
            url_path=f"{folder.page.url_path}{slug}/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=published,
            last_published_at=published,
            locale_id=home.locale_id,
            # Not from the seed: a translation key must be unique across the whole site.
            translation_key=uuid.uuid4(),
            standfirst=story.standfirst(),
            dateline=story.place.upper(),
            body=story.body(),
            section=section,
            lead_image_id=image_id,
            lead_image_alt=alt,
            lead_image_caption=caption,
        )
        authors = rng.sample(self.authors, 2 if len(self.authors) > 1 and rng.random() < 0.25 else 1)
        tags = self._tags(story)
        # The search index reads the tags through the page; keep them in memory so it doesn't query.
        article.tagged_items = [ArticleTag(tag=tag) for tag in tags]
        return article, authors, tags

    def _tags(self, story):
        """1-4 distinct tags: the story's topic, often its place, then popular ones."""
        rng = self.rng
        wanted = rng.choice((1, 2, 2, 3, 3, 4))
        chosen = [self.tags_by_name.get(story.topic.tag)]
        if rng.random() < 0.5:
            chosen.append(self.tags_by_name.get(story.place))
        chosen = [tag for tag in chosen if tag is not None]
        while len(chosen) < wanted and len(chosen) < len(self.tags):
            tag = rng.choices(self.tags, cum_weights=self.tag_weights)[0]
            if tag not in chosen:
                chosen.append(tag)
        return chosen[:wanted]


def _cumulative(weights):
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _beat(section):
    """The places and topics a section's stories are drawn from (everything, for a section we don't know)."""
    return BEATS.get(section.slug, (ALL_PLACES, TOPICS))


class _Slots(dict):
    """Template values, each made only when a template asks for it."""

    def __init__(self, story):
        super().__init__()
        self.story = story

    def __missing__(self, key):
        value = self.story.slot(key)
        self[key] = value
        return value


class _Story:
    """One article's subject (a place and a topic) and the sentences written about it."""

    def __init__(self, rng, place, topic, places, published):
        self.rng, self.place, self.topic, self.places, self.published = rng, place, topic, places, published
        self.actors = rng.choice(topic.actors)
        self.object = rng.choice(topic.objects)
        self.verb = rng.choice(VERBS)

    def write(self, template):
        text = template.format_map(_Slots(self))
        return text[0].upper() + text[1:]

    def headline(self):
        return self.write(self.rng.choice(HEADLINES))

    def standfirst(self):
        sentences = (self.rng.choice(templates) for templates in STANDFIRSTS)
        return " ".join(self.write(sentence) for sentence in sentences if sentence)

    def body(self):
        """The StreamField body as stored: paragraphs, sometimes a heading and a quote."""
        rng = self.rng
        blocks = [self._paragraph([self.write(rng.choice(LEDES)), self.write(rng.choice(self.topic.facts))])]
        sizes = [rng.randint(3, 5) for _ in range(rng.randint(2, 5))]
        sentences = iter(rng.sample(SENTENCES, sum(sizes)))  # no sentence twice in one article
        for n, size in enumerate(sizes):
            if n == 1 and rng.random() < 0.4:
                blocks.append(self._block("heading", rng.choice(HEADINGS)))
            if n == 2 and rng.random() < 0.3:
                quote = {"text": self.write(rng.choice(QUOTES)), "attribution": self.write("{name}, {role}")}
                blocks.append(self._block("quote", quote))
            blocks.append(self._paragraph([self.write(next(sentences)) for _ in range(size)]))
        return blocks

    def _paragraph(self, sentences):
        return self._block("paragraph", f"<p>{escape(' '.join(sentences), quote=False)}</p>")

    def _block(self, kind, value):
        return {"type": kind, "value": value, "id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4))}

    def slot(self, key):
        rng = self.rng
        match key:
            case "place":
                return self.place
            case "other_place":
                return rng.choice([p for p in self.places if p != self.place] or self.places)
            case "actors":
                return self.actors
            case "object":
                return self.object
            case "reason":
                return rng.choice(self.topic.reasons)
            case "verb":
                return self.verb[0]
            case "verbs":
                return self.verb[1]
            case "verbing":
                return self.verb[2]
            case "name":
                return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            case "year_past":
                return str(self.published.year - rng.randint(2, 15))
            case "n":
                return str(rng.randint(2, 90))
            case "n_large":
                return f"{rng.randint(12, 480) * 10:,}"
            case "pct":
                return str(rng.randint(6, 84))
            case "years":
                return str(rng.randint(3, 40))
        return rng.choice(SLOTS[key])


# --- word lists (our own) -----------------------------------------------------------


@dataclass(frozen=True)
class _Topic:
    tag: str
    actors: tuple
    objects: tuple
    reasons: tuple
    facts: tuple


TOPICS = [
    _Topic(
        "Water",
        ("farmers", "irrigation co-operatives", "water engineers"),
        ("a new water tariff", "drip irrigation", "metered wells", "lined canals"),
        ("as dry summers become routine", "after a second winter of thin snow", "as the river runs low"),
        (
            "Water use in the district has grown by about a third in ten years, most of it for irrigation.",
            "Many of the canals date from the 1960s and lose a large share of their water before it reaches a field.",
        ),
    ),
    _Topic(
        "Rail",
        ("freight forwarders", "rail unions", "commuters"),
        ("a night train to the coast", "a shared freight timetable", "faster border checks", "new rolling stock"),
        ("as container traffic grows", "after months of delays", "before the summer timetable"),
        (
            "Freight on the line has roughly doubled since the border crossings were modernised.",
            "Most trains still change locomotives at the border, which adds hours to every journey.",
        ),
    ),
    _Topic(
        "Ports",
        ("port workers", "shipping agents", "lorry drivers"),
        ("a second container berth", "a digital queue for lorries", "round-the-clock customs", "a deeper channel"),
        ("as ferry traffic picks up", "after a record autumn", "as shippers ask for fixed timetables"),
        (
            "The port handled more cargo last year than in any year since it opened.",
            "Ships sometimes wait at anchor for days when the wind closes the harbour entrance.",
        ),
    ),
    _Topic(
        "Renewables",
        ("energy planners", "village councils", "engineers"),
        ("a small solar farm", "a wind survey", "rooftop panels on schools", "a shared micro-grid"),
        ("as power cuts return each winter", "after a drop in panel prices", "as gas bills climb"),
        (
            "Hydropower still supplies most of the region's electricity, but output falls in dry years.",
            "The grid was built for a few large plants, not for many small ones feeding power back.",
        ),
    ),
    _Topic(
        "Education",
        ("teachers", "parents", "head teachers"),
        ("a four-day school week", "free school meals", "lessons in two languages", "a new maths curriculum"),
        ("as classes grow", "after a teachers' strike", "before the new school year"),
        (
            "About one school in five in the district still runs two shifts a day.",
            "Teachers' pay was raised last year, but many posts in villages remain empty.",
        ),
    ),
    _Topic(
        "Public health",
        ("doctors", "nurses", "pharmacists"),
        ("a mobile clinic", "longer opening hours at the polyclinic", "a vaccination drive", "an air-quality alert"),
        ("as flu season begins", "after a winter of smog", "as young doctors leave for the capital"),
        (
            "Rural clinics in the region share fewer than one doctor for every two thousand residents.",
            "Hospital waiting lists have grown since two wards closed for repairs.",
        ),
    ),
    _Topic(
        "Housing",
        ("tenants", "residents' associations", "builders"),
        ("a cap on rent rises", "insulation for Soviet-era blocks", "a new social housing estate", "lift repairs"),
        ("as rents climb", "before the heating season", "after a building inspection"),
        (
            "Most flats in the city are in blocks built between 1960 and 1990.",
            "Rents in the centre have risen faster than wages for three years running.",
        ),
    ),
    _Topic(
        "Tourism",
        ("guesthouse owners", "mountain guides", "tour operators"),
        ("year-round tourism", "a visitor tax", "new hiking trails", "direct flights from Europe"),
        ("as visitor numbers rise", "after a quiet winter", "ahead of the summer season"),
        (
            "Visitor numbers have returned to where they were before the pandemic, and then some.",
            "Most guesthouses in the valley close from November to April.",
        ),
    ),
    _Topic(
        "Agriculture",
        ("wheat growers", "apricot growers", "herders"),
        ("a shared grain store", "new routes to market", "frost insurance", "a farmers' market in the capital"),
        ("after a late frost", "as export prices fall", "after a record harvest"),
        (
            "Farming employs close to a third of working people in the province.",
            "A late frost in April cost growers much of last year's crop.",
        ),
    ),
    _Topic(
        "Fisheries",
        ("fishing crews", "fish farmers", "marine biologists"),
        ("new catch quotas", "a sturgeon hatchery", "a ban on night fishing", "cold storage at the harbour"),
        ("as catches shrink", "as the sea level falls", "after a poor spawning season"),
        (
            "Catches along this stretch of coast are a fraction of what they were a generation ago.",
            "The shoreline here has moved back by several hundred metres in twenty years.",
        ),
    ),
    _Topic(
        "Museums",
        ("curators", "historians", "museum volunteers"),
        ("a museum of everyday objects", "free entry on Sundays", "a digital archive", "a new wing"),
        ("after years of closure", "as school visits return", "before the city's anniversary"),
        (
            "The museum's collection has grown to more than forty thousand objects, most of them in storage.",
            "Many of the photographs in the archive have never been catalogued.",
        ),
    ),
    _Topic(
        "Film",
        ("film makers", "cinema owners", "festival organisers"),
        ("a regional film fund", "an open-air cinema", "subtitles in local languages", "a short-film festival"),
        ("as audiences return", "after a strong year at festivals", "as streaming grows"),
        (
            "Only a handful of cinemas remain open outside the capital.",
            "Local productions have won more international prizes in the past five years than in the previous twenty.",
        ),
    ),
    _Topic(
        "Music",
        ("musicians", "music teachers", "concert promoters"),
        ("a folk music school", "a summer concert series", "a recording studio for young bands", "a new concert hall"),
        ("as young audiences grow", "after the old hall closed", "before the festival season"),
        (
            "The conservatory takes fewer than one in ten of those who apply.",
            "Traditional instruments are taught in only a few schools in the region.",
        ),
    ),
    _Topic(
        "Elections",
        ("voters", "opposition parties", "election observers"),
        ("a new electoral map", "earlier counting of postal votes", "televised debates", "a lower voting age"),
        ("before the local elections", "after a disputed count", "as turnout falls"),
        (
            "Turnout at the last local elections was under half of registered voters.",
            "The electoral commission has published results by polling station since the last vote.",
        ),
    ),
    _Topic(
        "Local government",
        ("councillors", "residents", "city officials"),
        ("a participatory budget", "longer opening hours at town hall", "an open-data portal", "a merger of districts"),
        ("ahead of the budget vote", "after complaints about delays", "as the city grows"),
        (
            "The city's budget has grown every year for five years, mostly on roads and schools.",
            "Residents can now follow council meetings online, though few do.",
        ),
    ),
    _Topic(
        "Technology",
        ("start-ups", "software developers", "investors"),
        ("voice assistants in local languages", "an innovation park", "a coding school", "payments by phone"),
        ("as venture money arrives", "after a wave of emigration", "as internet prices fall"),
        (
            "Several hundred software firms are now registered in the city, most with fewer than twenty staff.",
            "Mobile internet now reaches most villages, though speeds vary widely.",
        ),
    ),
    _Topic(
        "Environment",
        ("conservationists", "park rangers", "scientists"),
        (
            "camera traps in the mountains",
            "a ban on new dams",
            "a wider nature reserve",
            "replanting on the dry seabed",
        ),
        ("as glaciers retreat", "after a dry spring", "as wildlife returns"),
        (
            "The region's glaciers have lost a large share of their area since the 1970s.",
            "Rangers patrol an area larger than some countries with a handful of vehicles.",
        ),
    ),
    _Topic(
        "Transport",
        ("bus drivers", "cyclists", "transport planners"),
        ("electric buses", "a cycle lane on the main avenue", "cheaper monthly passes", "a ring road"),
        ("as traffic worsens", "after a fare rise", "as the old minibuses are retired"),
        (
            "Minibuses still carry most passengers in the city, on routes that change with little notice.",
            "The number of cars registered in the city has doubled in a decade.",
        ),
    ),
]

SOUTH_CAUCASUS = [
    "Tbilisi", "Kutaisi", "Batumi", "Rustavi", "Telavi", "Mestia", "Zugdidi", "Gori", "Yerevan", "Gyumri",
    "Vanadzor", "Dilijan", "Goris", "Sevan", "Ganja", "Sheki", "Lankaran", "Gabala", "Shamakhi", "Akhaltsikhe",
]  # fmt: skip
CENTRAL_ASIA = [
    "Almaty", "Astana", "Shymkent", "Karaganda", "Turkistan", "Tashkent", "Samarkand", "Bukhara", "Khiva",
    "Fergana", "Namangan", "Nukus", "Bishkek", "Osh", "Karakol", "Naryn", "Dushanbe", "Khujand", "Khorog",
    "Ashgabat", "Mary", "Dashoguz",
]  # fmt: skip
CASPIAN = [
    "Baku", "Sumgait", "Aktau", "Atyrau", "Turkmenbashi", "Astrakhan", "Makhachkala", "Anzali", "Kuryk",
    "Alat", "Lankaran", "Nardaran",
]  # fmt: skip
ALL_PLACES = list(dict.fromkeys(SOUTH_CAUCASUS + CENTRAL_ASIA + CASPIAN))


def _topics(*tags):
    return [topic for topic in TOPICS if topic.tag in tags]


BEATS = {
    "south-caucasus": (SOUTH_CAUCASUS, TOPICS),
    "central-asia": (CENTRAL_ASIA, TOPICS),
    "caspian-energy": (CASPIAN, _topics("Ports", "Renewables", "Fisheries", "Environment", "Rail", "Water")),
    "politics": (ALL_PLACES, _topics("Elections", "Local government", "Housing", "Education", "Public health")),
    "culture": (ALL_PLACES, _topics("Museums", "Film", "Music", "Tourism", "Education")),
}

# (plural, singular, -ing) forms of the verbs headlines and ledes use.
VERBS = [
    ("try out", "tries out", "trying out"),
    ("push for", "pushes for", "pushing for"),
    ("turn to", "turns to", "turning to"),
    ("debate", "debates", "debating"),
    ("count the cost of", "counts the cost of", "counting the cost of"),
    ("bet on", "bets on", "betting on"),
    ("weigh", "weighs", "weighing"),
    ("welcome", "welcomes", "welcoming"),
    ("question", "questions", "questioning"),
    ("prepare for", "prepares for", "preparing for"),
    ("invest in", "invests in", "investing in"),
    ("rethink", "rethinks", "rethinking"),
    ("campaign for", "campaigns for", "campaigning for"),
    ("look again at", "looks again at", "looking again at"),
    ("split over", "splits over", "splitting over"),
]

HEADLINES = [
    "{place} {actors} {verb} {object}",
    "{actors} in {place} {verb} {object} {reason}",
    "{place} {verbs} {object} {reason}",
    "why {actors} in {place} are {verbing} {object}",
    "in {place}, {actors} {verb} {object}",
    "a row over {object} divides {actors} in {place}",
    "what {object} would mean for {actors} in {place}",
    "{place} {verbs} {object} as {actors} face {other_object}",
]

STANDFIRSTS = [
    [
        "{actors} in {place} say {object} could {benefit}, but {counter}.",
        "{officials} expect a decision on {object} by {month}, after months of {process}.",
        "the plan, backed by {funder}, would {effect} within {n} years if it goes ahead.",
        "the idea of {object} has been talked about in {place} since {year_past}; this time there is money.",
    ],
    [
        "",
        "Not everyone is convinced.",
        "Critics say it comes too late.",
        "The first results are due in {month}.",
    ],
]

LEDES = [
    "{actors} in {place} began {verbing} {object} this {period}, {reason_clause}.",
    "{officials} in {place} said on {weekday} that they would look at {object} {reason}.",
    "For {actors} in {place}, {object} has moved from a distant idea to a practical question.",
    "{place} has put {object} on the agenda again, and this time {actors} are paying attention.",
]

SENTENCES = [
    "The first results are due in {month}, {officials} said.",
    "{officials} put the cost at about {n} million US dollars, to be shared with {funder}.",
    "{name}, who has {livelihood} in {place} for {years} years, said the change was {overdue}.",
    "Not everyone is convinced.",
    "Critics say the money would do more good {alt_use}.",
    "A survey of {n_large} households found that {pct} per cent supported the idea.",
    "Work is expected to finish before {season}, weather permitting.",
    "The {group} has asked for a public hearing before any final decision.",
    "Similar schemes in {other_place} have had mixed results.",
    "{officials} said they would publish the figures online every month.",
    "The idea is not new: it was first proposed in {year_past}, but stalled for lack of money.",
    "For now, {actors} say they will wait and see.",
    "Some residents worry about {worry}.",
    "Supporters point to lower costs over the long run.",
    "Next year's regional budget sets aside {n} million US dollars for the work.",
    "Opposition councillors called the timetable unrealistic.",
    "Others welcomed the chance to {hope}.",
    "{name} said the hardest part would be {hard}.",
    "Data gathered so far cover {n} sites across the region.",
    "Volunteers have already collected more than {n_large} signatures in support.",
    "A second phase would depend on how the first one goes.",
    "Local newspapers have followed the debate for months.",
    "The ministry did not answer questions sent before publication.",
    "Prices in local markets have risen by {pct} per cent since last spring.",
    "Engineers plan to check the results again after the first winter.",
    "{actors} in {other_place} are watching closely.",
    "The decision now rests with {officials}.",
    "{name}, {role}, said the numbers told only part of the story.",
    "At a meeting in {place} on {weekday}, more than {n} people lined up to speak.",
    "There is no date yet for a vote.",
]

QUOTES = [
    "We have waited {years} years for this. If it works here, other towns will follow.",
    "Nobody asked us. We read about it in the newspaper like everyone else.",
    "The money is there for the first year. After that, honestly, nobody knows.",
    "People want to stay here. Give them a reason and they will.",
    "It is a good idea on paper. The question is who will look after it in ten years.",
]

HEADINGS = [
    "What happens next",
    "The cost",
    "A slow start",
    "Voices from the ground",
    "Looking ahead",
    "The numbers",
    "Lessons from elsewhere",
    "Doubts remain",
]

SLOTS = {
    "officials": [
        "city officials", "the regional administration", "ministry staff", "the mayor's office", "project managers",
    ],
    "funder": ["a development bank", "the national government", "private investors", "an international donor"],
    "month": [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ],
    "season": ["the winter", "the spring", "the summer", "the autumn", "the end of the year"],
    "period": ["week", "month", "spring", "summer", "autumn", "winter"],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    "benefit": ["save money within a few years", "keep young people from leaving", "ease daily life", "pay for itself"],
    "counter": [
        "the details are still unclear", "the money runs out after two years", "few have been asked",
        "the timetable looks tight",
    ],
    "process": ["hearings", "surveys", "arguments over the budget", "pilot projects"],
    "effect": [
        "reach most households", "cut costs by a fifth", "create several hundred jobs", "change how the city works",
    ],
    "reason_clause": [
        "the first step in a plan several years in the making", "months later than promised",
        "with little fanfare", "to the surprise of some neighbours",
    ],
    "livelihood": ["farmed", "taught", "driven a minibus", "run a shop", "fished", "worked"],
    "overdue": ["overdue", "welcome but late", "a gamble", "a good start"],
    "alt_use": ["on roads", "in schools", "in village clinics", "on the water network"],
    "group": ["residents' association", "chamber of commerce", "teachers' union", "farmers' union"],
    "worry": ["noise", "the cost", "who will maintain it", "the loss of green space", "higher bills"],
    "hope": ["stay in their home town", "try something new", "lower their bills", "be heard"],
    "hard": ["finding staff", "keeping the costs down", "the winters", "getting everyone to agree"],
    "role": [
        "a local farmer", "a schoolteacher", "a city councillor", "an economist", "a shop owner",
        "a retired engineer", "a transport planner", "a hydrologist", "a museum guide",
    ],
    "other_object": [
        "higher prices", "a tight budget", "a long winter", "new rules from the capital", "a shortage of staff",
    ],
}  # fmt: skip

FIRST_NAMES = [
    "Ani", "Giorgi", "Lilit", "Davit", "Aigerim", "Rustam", "Zarina", "Farid", "Nigora", "Levan", "Sevara",
    "Arman", "Kamila", "Murad", "Tamar", "Bakhyt", "Nargiza", "Emil", "Aysel", "Daniyar", "Mariam", "Sardor",
]  # fmt: skip
LAST_NAMES = [
    "Beridze", "Hakobyan", "Kiknadze", "Grigoryan", "Lomidze", "Petrosyan", "Abashidze", "Avetisyan",
    "Mammadli", "Hasanli", "Jafarli", "Huseynli", "Rahimzoda", "Karimzoda", "Saidzoda", "Umarzoda",
    "Gelashvili", "Harutyunyan", "Jorbenadze", "Melikyan",
]  # fmt: skip
AUTHOR_ROLES = [
    "Staff reporter", "Correspondent", "Business correspondent", "Culture writer", "Data reporter",
    "Environment reporter", "Politics reporter", "Features writer",
]  # fmt: skip

_TAG_KINDS = [
    "Rural", "Urban", "Coastal", "Mountain", "Regional", "Cross-border", "Public", "Local",
]  # fmt: skip
_TAG_SUBJECTS = [
    "transport", "schools", "health care", "housing", "tourism", "farming", "energy", "water", "media", "trade",
    "heritage", "start-ups", "budgets", "forests", "roads",
]  # fmt: skip
# Topics first (the most used), then places, then narrower subjects: a few hundred in all.
TAG_NAMES = (
    [topic.tag for topic in TOPICS]
    + ALL_PLACES
    + [f"{kind} {subject}" for subject in _TAG_SUBJECTS for kind in _TAG_KINDS]
    + [f"{place} {topic.tag.lower()}" for place in ("Baku", "Tbilisi", "Yerevan", "Almaty", "Tashkent")
       for topic in TOPICS]
)  # fmt: skip
