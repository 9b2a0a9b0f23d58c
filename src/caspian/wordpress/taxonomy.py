"""Categories and tags: the section and year folder a post goes in, and the tags it gets.

Without a section map, every top-level category a post is filed in
becomes a section (created the first time a post needs it), nested
categories become tags, and posts with no category go to the section made
from WordPress's "Uncategorized". A post filed in several categories goes
in the first one's section (of its top-level ancestor, for a nested one);
the others become tags on it, so no filing is lost. WordPress tags become
tags. Terms of other taxonomies (menus, post formats) are not imported.

With ``--section-map FILE`` the map decides instead: see :func:`read_section_map`.
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag

from ..newsroom import bulk
from ..newsroom.models import ArchiveYearPage, SectionPage
from .errors import ImportProblem
from .ledger import checksum
from .models import Kind
from .records import Term
from .text import one_line, plain_text

UNCATEGORIZED = "uncategorized"
TAG_LENGTH = 100  # taggit's name and slug


class SectionMapError(ImportProblem):
    """The section map cannot be read or names a section this site does not have."""


@dataclass
class SectionMap:
    """Which section the posts of each WordPress category go to (see :func:`read_section_map`)."""

    name: str
    sections: dict  # category slug -> (section slug, line number)
    default: tuple | None = None  # (section slug, line number) for posts with no mapped category


def read_section_map(path):
    """Read a section map: one ``category-slug = section-slug`` a line.

    ``*`` on the left names the section for posts with no mapped category
    (otherwise they go to an "Uncategorized" section, created if needed).
    Blank lines and text after ``#`` are ignored. Categories not in the
    map become tags; every section named must exist on the site (this is
    checked before anything is imported). Raises :class:`SectionMapError`
    naming the line.
    """
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SectionMapError(f"cannot read the section map {name}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise SectionMapError(f"the section map {name} is not UTF-8 text: save it as UTF-8 and try again") from None
    sections, default, seen = {}, None, {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        left, equals, right = (part.strip() for part in line.partition("="))
        if not equals or not left or not right or len(right.split()) > 1 or len(left.split()) > 1:
            raise SectionMapError(
                f"{name} line {number}: expected `category-slug = section-slug`, found {raw.strip()!r}"
            )
        key = "*" if left == "*" else slug_key(left)
        if key in seen:
            raise SectionMapError(f"{name} line {number}: {left!r} is mapped already on line {seen[key]}")
        seen[key] = number
        if key == "*":
            default = (slug_key(right), number)
        else:
            sections[key] = (slug_key(right), number)
    return SectionMap(name=name, sections=sections, default=default)


def slug_key(slug):
    """A WordPress slug as Caspian keeps it: percent-encoding undone, lower case."""
    return unquote(slug or "").strip().lower()


@dataclass(frozen=True)
class _Category:
    slug: str
    name: str
    description: str = ""


class Taxonomy:
    """Files posts: their section, year folder and tags, creating what is missing."""

    def __init__(self, job, section_map=None):
        self.job = job
        self.map = section_map
        self.terms = {}  # (taxonomy, slug key) -> records.Term, as declared in the channel
        self.sections = {page.slug: page for page in SectionPage.objects.child_of(job.home)}
        self.new_sections = set()  # pks of sections this import made
        self.categories = {}  # slug key -> _Category
        self.section_of = {}  # category slug key -> SectionPage
        self.tags = {}  # (taxonomy, slug key) -> Tag
        self.used = set()  # (taxonomy, slug key) of the terms imported posts are filed under
        self.folders = {}  # (section pk, year) -> ArchiveYearPage
        if section_map is not None:
            self._check_map()

    def _check_map(self):
        known = sorted(self.sections)
        wanted = [*self.map.sections.values(), *([self.map.default] if self.map.default else [])]
        for section, line in wanted:
            if section not in self.sections:
                listed = ", ".join(known) if known else "none yet"
                raise SectionMapError(
                    f"{self.map.name} line {line}: this site has no section {section!r} (its sections: {listed}); "
                    "add the section in the admin first, or correct the line"
                )

    # --- the channel's terms --------------------------------------------------------

    def declare(self, term):
        """Note a category or tag the export declares; other taxonomies are skipped."""
        if term.taxonomy in ("category", "post_tag"):
            self.terms[term.taxonomy, slug_key(term.slug)] = term
        else:
            self.job.summary.skip("other", f"{term.taxonomy or 'unnamed'} terms: not categories or tags")

    def finish(self):
        """Count the declared categories and tags no imported post is filed under as skipped."""
        for (taxonomy, key), term in self.terms.items():
            if (taxonomy, key) in self.used:
                continue
            kind = "sections" if taxonomy == "category" and self._is_section(term) else "tags"
            self.job.summary.skip(kind, "no imported post is filed under it")

    def _is_section(self, term):
        if self.map is not None:
            return slug_key(term.slug) in self.map.sections
        return not term.parent_slug

    # --- filing a post --------------------------------------------------------------------

    def file(self, item):
        """``(section, tags)`` for a post, creating the section and tags on first use."""
        categories = [term for term in item.terms if term.taxonomy == "category"]
        others = [term for term in item.terms if term.taxonomy == "post_tag"]
        for term in (*categories, *others):
            self.used.add((term.taxonomy, slug_key(term.slug)))
        if self.map is not None:
            chosen = next((term for term in categories if slug_key(term.slug) in self.map.sections), None)
            section = self._mapped(chosen) if chosen else self._default()
            others = [term for term in categories if term is not chosen] + others
        elif categories:
            root = self._root(categories[0])
            self.used.add(("category", root.slug))
            section = self._section(root)
            others = [term for term in categories if slug_key(term.slug) != root.slug] + others
        else:
            section = self._default()
        tags = {}
        for term in others:
            tag = self._tag(term)
            tags.setdefault(tag.pk, tag)
        return section, list(tags.values())

    def folder(self, section, year):
        """The section's year folder for ``year``, created (live) if missing."""
        key = (section.pk, year)
        folder = self.folders.get(key)
        if folder is not None:
            return folder
        if section.pk not in self.new_sections:
            folder = ArchiveYearPage.objects.child_of(section).filter(slug=str(year)).first()
        if folder is None:
            now = self.job.now
            folder = ArchiveYearPage(
                title=str(year),
                live=True,
                first_published_at=now,
                last_published_at=now,
                latest_revision_created_at=now,
            )
            self.job.tree.create(section, folder, str(year))
        self.folders[key] = folder
        return folder

    # --- sections ---------------------------------------------------------------------------

    def _category(self, term):
        key = slug_key(term.slug)
        category = self.categories.get(key)
        if category is None:
            declared = self.terms.get(("category", key))
            if declared is not None:
                category = _Category(key, one_line(declared.name) or key, plain_text(declared.description))
            else:
                category = _Category(key, one_line(term.name) or key)
            self.categories[key] = category
        return category

    def _root(self, term):
        """The top-level category above ``term`` (itself if top-level), as far as the export declares."""
        category, seen = self._category(term), set()
        declared = self.terms.get(("category", category.slug))
        while declared is not None and declared.parent_slug and category.slug not in seen:
            seen.add(category.slug)
            parent = self.terms.get(("category", slug_key(declared.parent_slug)))
            if parent is None:
                break
            declared, category = parent, self._category(parent)
        return category

    def _default(self):
        if self.map is not None and self.map.default:
            return self.sections[self.map.default[0]]
        declared = self.terms.get(("category", UNCATEGORIZED))
        if declared is not None:
            self.used.add(("category", UNCATEGORIZED))
            return self._section(self._category(declared))
        return self._section(_Category(UNCATEGORIZED, "Uncategorized"))

    def _mapped(self, term):
        key = slug_key(term.slug)
        section = self.sections[self.map.sections[key][0]]
        if key not in self.section_of:
            self.section_of[key] = section
            self._count(Kind.CATEGORY, key, SectionPage, section.pk, checksum(section.pk), "sections")
        return section

    def _section(self, category):
        """The section made from a top-level ``category``: found again, matched by slug, or created."""
        section = self.section_of.get(category.slug)
        if section is not None:
            return section
        job = self.job
        digest = checksum(category.name, category.description)
        entry = job.ledger.find(Kind.CATEGORY, category.slug)
        if entry is not None:
            section = SectionPage.objects.filter(pk=entry.object_id).first()
        if section is None:
            section = self.sections.get(category.slug)
        if section is not None:
            if entry is not None and entry.object_id == section.pk and entry.checksum != digest:
                self._update_section(section, category)
                job.summary.add("sections", "updated")
                job.ledger.record(Kind.CATEGORY, category.slug, SectionPage, section.pk, digest)
            else:
                self._count(Kind.CATEGORY, category.slug, SectionPage, section.pk, digest, "sections")
        else:
            now = job.now
            section = SectionPage(
                title=category.name[:255],
                description=category.description,
                show_in_menus=True,
                live=True,
                first_published_at=now,
                last_published_at=now,
                latest_revision_created_at=now,
            )
            job.tree.create(job.home, section, bulk.slug_from(category.slug, 255, default="section"))
            self.sections[section.slug] = section
            self.new_sections.add(section.pk)
            job.summary.add("sections", "imported")
            job.ledger.record(Kind.CATEGORY, category.slug, SectionPage, section.pk, digest)
        self.section_of[category.slug] = section
        return section

    def _update_section(self, section, category):
        """WordPress renamed or re-described the category: so does the section (its address stays)."""
        section = section.specific
        section.title = section.draft_title = category.name[:255]
        section.description = category.description
        revision = section.save_revision(log_action=True)
        if section.live:
            revision.publish(log_action=True)

    def _count(self, kind, key, model, pk, digest, summary_kind):
        """Count a term matched to an existing object: unchanged, and remembered for next time."""
        self.job.summary.add(summary_kind, "unchanged")
        self.job.ledger.record(kind, key, model, pk, digest)

    # --- tags -------------------------------------------------------------------------------

    def _tag(self, term):
        """The tag for a WordPress tag or a category that is not a section: found, matched or created."""
        key = (term.taxonomy, slug_key(term.slug))
        tag = self.tags.get(key)
        if tag is not None:
            return tag
        declared = self.terms.get(key)
        name = one_line(declared.name if declared is not None else term.name)[:TAG_LENGTH] or key[1][:TAG_LENGTH]
        slug = bulk.slug_from(key[1], TAG_LENGTH, default="") or bulk.slug_from(name, TAG_LENGTH, default="tag")
        # A category that is a section elsewhere is a tag only here: remembered under its section.
        remembered = term.taxonomy == "post_tag" or not self._is_section(declared or _term_like(term))
        kind = Kind.TAG if term.taxonomy == "post_tag" else Kind.CATEGORY
        entry = self.job.ledger.find(kind, key[1]) if remembered else None
        if entry is not None:
            tag = Tag.objects.filter(pk=entry.object_id).first() if _is_tag(entry) else None
        tag = tag or Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=slug)
            self.job.summary.add("tags", "imported")
        else:
            self.job.summary.add("tags", "unchanged")
        if remembered:
            self.job.ledger.record(kind, key[1], Tag, tag.pk, checksum(name, slug))
        self.tags[key] = tag
        return tag


def _term_like(term):
    """An item's term as the channel would have declared it (no parent known)."""
    return Term(taxonomy=term.taxonomy, slug=term.slug, name=term.name)


def _is_tag(entry):
    return entry.content_type_id == ContentType.objects.get_for_model(Tag).pk
