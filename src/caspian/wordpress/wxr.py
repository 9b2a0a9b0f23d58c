"""Read a WordPress export (WXR) as a stream of plain records, safely.

:func:`read` yields a :class:`~caspian.wordpress.records.Channel` first,
then :class:`~caspian.wordpress.records.Author`,
:class:`~caspian.wordpress.records.Term` and
:class:`~caspian.wordpress.records.Item` records in document order. It
parses with :mod:`defusedxml` on top of expat, one element at a time
(``iterparse`` with start and end events), and throws every finished
record's elements away, so memory stays flat however large the export.

Safety: WordPress never writes a DOCTYPE, so any DTD is refused before it
is read: entity-expansion bombs, external entities and parameter-entity
tricks never run, and no file or URL named in the export is opened.

Accepts WXR 1.0, 1.1 and 1.2 under either ``http://`` or ``https://``
``wordpress.org/export/…`` namespaces: elements are matched by namespace
*family*, never by exact URI. Every problem, from a malformed or truncated
file to one that is not an export at all, is raised as a :class:`WxrError`
whose one-line message names the position and what to do next.

Values: text that is content (titles, content, excerpts, descriptions,
comment text, meta values) is kept exactly as exported; ids, slugs,
statuses, logins, names and URLs lose surrounding whitespace. Dates that
are empty, WordPress's "0000-00-00 00:00:00" or impossible read as None.

Why defusedxml rather than lxml: it refuses a DTD as expat meets it, with
no option to get wrong, and its allocations are Python's (memory tests
see them). lxml parses about 1.5 times faster, but the reader already
does thousands of items a second, far ahead of the importer.
"""

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote
from xml.etree.ElementTree import ParseError, TreeBuilder
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import iterparse as _iterparse
from django.utils.text import slugify

from .records import Author, Channel, Comment, Item, ItemTerm, Term

# How often (in bytes read) ``progress`` is called, at most.
PROGRESS_STEP = 1 << 20
EXPORT_AGAIN = "export it again from WordPress, Tools → Export"

# Namespace URI → the prefix WordPress gives it. The wp and excerpt URIs
# change with the WXR version and scheme; the others have never changed.
_FAMILIES = [
    (re.compile(r"https?://wordpress\.org/export/[0-9.]+/excerpt/?$"), "excerpt"),
    (re.compile(r"https?://wordpress\.org/export/[0-9.]+/?$"), "wp"),
    (re.compile(r"https?://purl\.org/rss/1\.0/modules/content/?$"), "content"),
    (re.compile(r"https?://purl\.org/dc/elements/1\.1/?$"), "dc"),
    (re.compile(r"https?://wellformedweb\.org/CommentAPI/?$"), "wfw"),
]
_RECORDS = {"wp:author", "wp:wp_author", "wp:category", "wp:tag", "wp:term", "item"}
_CHANNEL_FIELDS = {
    "title": "title",
    "link": "link",
    "description": "description",
    "language": "language",
    "wp:wxr_version": "wxr_version",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
}
# Fields copied as written (content, titles, free text) and fields stripped of surrounding whitespace.
_ITEM_TEXT = {
    "title": "title",
    "content:encoded": "content",
    "excerpt:encoded": "excerpt",
    "wp:post_password": "password",
}
_ITEM_SCALAR = {
    "link": "link",
    "guid": "guid",
    "dc:creator": "creator",
    "wp:status": "status",
    "wp:post_name": "slug",
    "wp:post_type": "post_type",
    "wp:attachment_url": "attachment_url",
    "wp:comment_status": "comment_status",
}
_ITEM_INT = {"wp:post_parent": "parent_id", "wp:menu_order": "menu_order"}
_ITEM_LOCAL_DATE = {"wp:post_date": "date", "wp:post_modified": "modified"}
_ITEM_GMT_DATE = {"wp:post_date_gmt": "date_gmt", "wp:post_modified_gmt": "modified_gmt"}
_COMMENT_SCALAR = {
    "wp:comment_author": "author",
    "wp:comment_author_email": "author_email",
    "wp:comment_author_url": "author_url",
    "wp:comment_author_IP": "author_ip",
    "wp:comment_approved": "approved",
    "wp:comment_type": "type",
}
_COMMENT_INT = {"wp:comment_parent": "parent_id", "wp:comment_user_id": "user_id"}
_AUTHOR_FIELDS = {
    "wp:author_login": "login",
    "wp:author_email": "email",
    "wp:author_display_name": "display_name",
    "wp:author_first_name": "first_name",
    "wp:author_last_name": "last_name",
}
# Item <category domain="…">: WXR 1.0 called tags "tag" and left categories without a domain.
_DOMAINS = {"": "category", "tag": "post_tag"}


class WxrError(Exception):
    """The export cannot be read; the message is one line for the person running the import.

    ``line`` and ``column`` (1-based) locate the problem in the file when known.
    """

    def __init__(self, message, line=None, column=None):
        super().__init__(message)
        self.line = line
        self.column = column


def read(source, progress=None):
    """Yield the export's records: one :class:`Channel`, then authors, terms and items in file order.

    ``source`` is a path (``str`` or :class:`~pathlib.Path`) or a binary
    file object (left open). The channel is yielded as soon as its header
    has been read, before the first author, term or item (or at the end,
    if there are none). ``progress(bytes_read, total_bytes)`` is called
    every megabyte or so and once at the end; ``total_bytes`` is ``None``
    when the size cannot be known (e.g. a pipe).

    Raises :class:`WxrError` for anything that stops the export being read
    (including a file cut short halfway: records before that point have
    already been yielded, so callers that write must roll back).
    """
    if isinstance(source, str | os.PathLike):
        name = Path(source).name
        try:
            file = open(source, "rb")
        except OSError as error:
            raise WxrError(f"cannot open {name}: {error.strerror or error}") from None
        opened = True
    else:
        name = getattr(source, "name", None)
        name = Path(name).name if isinstance(name, str) and name else "the export"
        file, opened = source, False
    try:
        yield from _Reader(file, name, progress).records()
    finally:
        if opened:
            file.close()


class _Counter:
    """The file, as iterparse reads it: counts bytes, reports progress, notices the end."""

    def __init__(self, file, name, progress):
        self.file, self.name, self.progress = file, name, progress
        self.done = 0
        self.reported = 0
        self.at_end = False
        self.total = _size(file)

    def read(self, size=-1):
        try:
            data = self.file.read(size)
        except OSError as error:
            raise WxrError(f"cannot read {self.name}: {error.strerror or error}") from None
        if not data:
            self.at_end = True
        self.done += len(data)
        if self.progress is not None and self.done - self.reported >= PROGRESS_STEP:
            self.reported = self.done
            self.progress(self.done, self.total)
        return data


def _size(file):
    """The file's size in bytes from the current position, or None (a pipe, a socket, a stream)."""
    try:
        return os.fstat(file.fileno()).st_size - file.tell()
    except (AttributeError, OSError, ValueError):
        pass
    try:
        if file.seekable():
            here = file.tell()
            end = file.seek(0, os.SEEK_END)
            file.seek(here)
            return end - here
    except (AttributeError, OSError, ValueError):
        pass
    return None


class _Reader:
    def __init__(self, file, name, progress):
        self.name = name
        self.input = _Counter(file, name, progress)
        self.parser = DefusedXMLParser(
            target=TreeBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        self.names = {}  # "{uri}local" -> "prefix:local", filled as tags are met
        self.wp_declared = False
        self.started = False  # the root element has been read
        # (taxonomy, name) -> slug of the terms declared in the channel, for
        # WXR 1.0 item categories that have a name but no nicename.
        self.term_slugs = {}

    def records(self):
        try:
            yield from self._records()
        except ParseError as error:
            raise self._syntax_error(error.code, *error.position) from None
        except expat.ExpatError as error:  # not wrapped by ElementTree: same meaning
            raise self._syntax_error(error.code, error.lineno, error.offset) from None
        except DefusedXmlException as error:
            line, column = self._position()
            if (getattr(error, "name", None) or "").lower() == "html":
                self._not_wxr("it is an HTML page (perhaps a login or error page was saved instead of the export)")
            raise WxrError(
                f"refused: {self.name} declares a DTD or entities at line {line}, column {column}, "
                "which WordPress exports never do; if this file really came from WordPress, "
                f"{EXPORT_AGAIN}, and do not import a file of unknown origin",
                line,
                column,
            ) from None
        except (LookupError, ValueError) as error:
            # expat's unknown-encoding hook: an encoding name Python lacks, or a multi-byte one (GBK…).
            line, column = self._position()
            raise WxrError(
                f"{self.name} declares an encoding that cannot be read ({error}) at line {line}: "
                f"WordPress always writes UTF-8, so {EXPORT_AGAIN}",
                line,
                column,
            ) from None
        counter = self.input
        if counter.progress is not None:
            counter.progress(counter.done, counter.total)

    def _records(self):
        names = self.names
        depth = 0
        root = channel = None
        in_channel = sent = False
        header = {}
        for event, value in _iterparse(self.input, events=("start-ns", "start", "end"), parser=self.parser):
            if event == "end":
                depth -= 1
                if depth == 2 and in_channel:
                    name = names.get(value.tag) or self._name(value.tag)
                    if name in _RECORDS:
                        yield self._record(name, value)
                    elif not sent and name in _CHANNEL_FIELDS:
                        header[_CHANNEL_FIELDS[name]] = (value.text or "").strip()
                    value.clear()
                    channel.remove(value)
                elif depth == 1:
                    if value is channel:
                        in_channel = False
                        if not sent:
                            yield self._channel(header)
                            sent = True
                    value.clear()
                    root.remove(value)
            elif event == "start":
                depth += 1
                if depth == 3:
                    if in_channel and not sent and (names.get(value.tag) or self._name(value.tag)) in _RECORDS:
                        yield self._channel(header)
                        sent = True
                elif depth == 2:
                    if channel is None and value.tag == "channel":
                        channel, in_channel = value, True
                elif depth == 1:
                    root, self.started = value, True
                    if value.tag != "rss":
                        self._not_wxr(f"its root element is <{self._local(value.tag)}>, not <rss>")
            else:  # start-ns
                if _family(value[1]) == "wp":
                    self.wp_declared = True
        if channel is None:
            self._not_wxr("it has no <channel>")

    # --- records -----------------------------------------------------------------

    def _channel(self, header):
        if not self.wp_declared:
            self._not_wxr("it has no wp: elements (it looks like a plain RSS feed)")
        return Channel(**header)

    def _record(self, name, element):
        if name == "item":
            return self._item(element)
        if name in ("wp:author", "wp:wp_author"):
            return self._author(element)
        return self._term(name, element)

    def _author(self, element):
        names = self.names
        author = Author(login="")
        for child in element:
            name = names.get(child.tag) or self._name(child.tag)
            if name in _AUTHOR_FIELDS:
                setattr(author, _AUTHOR_FIELDS[name], (child.text or "").strip())
            elif name == "wp:author_id":
                author.wp_id = _int(child.text, None)
            elif name == "wp:author_description":
                author.description = child.text or ""
        return author

    def _term(self, name, element):
        names = self.names
        values = {}
        for child in element:
            values[names.get(child.tag) or self._name(child.tag)] = child.text or ""
        if name == "wp:category":
            taxonomy, slug, term_name = "category", "wp:category_nicename", "wp:cat_name"
            parent, description = "wp:category_parent", "wp:category_description"
        elif name == "wp:tag":
            taxonomy, slug, term_name = "post_tag", "wp:tag_slug", "wp:tag_name"
            parent, description = None, "wp:tag_description"
        else:
            taxonomy = values.get("wp:term_taxonomy", "").strip()
            slug, term_name = "wp:term_slug", "wp:term_name"
            parent, description = "wp:term_parent", "wp:term_description"
        term_name = values.get(term_name, "").strip()
        slug = values.get(slug, "").strip() or _slug(term_name)
        term = Term(
            taxonomy=taxonomy,
            slug=slug,
            name=term_name or slug,
            wp_id=_int(values.get("wp:term_id"), None),
            parent_slug=values.get(parent, "").strip() if parent else "",
            description=values.get(description, ""),
        )
        self.term_slugs.setdefault((taxonomy, term.name), slug)
        return term

    def _item(self, element):
        names = self.names
        fields = {}
        terms, meta, comments = [], {}, []
        wp_id = None
        for child in element:
            name = names.get(child.tag) or self._name(child.tag)
            if name in _ITEM_TEXT:
                fields[_ITEM_TEXT[name]] = child.text or ""
            elif name in _ITEM_SCALAR:
                fields[_ITEM_SCALAR[name]] = (child.text or "").strip()
            elif name == "category":
                terms.append(self._item_term(child))
            elif name == "wp:postmeta":
                key = value = ""
                for part in child:
                    part_name = names.get(part.tag) or self._name(part.tag)
                    if part_name == "wp:meta_key":
                        key = (part.text or "").strip()
                    elif part_name == "wp:meta_value":
                        value = part.text or ""
                meta[key] = value
            elif name == "wp:comment":
                comments.append(self._comment(child))
            elif name in _ITEM_LOCAL_DATE:
                fields[_ITEM_LOCAL_DATE[name]] = _local_date(child.text)
            elif name in _ITEM_GMT_DATE:
                fields[_ITEM_GMT_DATE[name]] = _gmt_date(child.text)
            elif name == "wp:post_id":
                wp_id = _int(child.text, None)
            elif name in _ITEM_INT:
                fields[_ITEM_INT[name]] = _int(child.text, 0)
            elif name == "wp:is_sticky":
                fields["is_sticky"] = (child.text or "").strip() == "1"
        if wp_id is None:
            self._bad_record("an item without a wp:post_id (a number)")
        return Item(
            wp_id=wp_id,
            post_type=fields.pop("post_type", "") or "post",
            terms=_unique(terms),
            meta=meta,
            comments=comments,
            **fields,
        )

    def _item_term(self, element):
        attributes = element.attrib
        domain = (attributes.get("domain") or "").strip()
        taxonomy = _DOMAINS.get(domain, domain)
        name = (element.text or "").strip()
        slug = (attributes.get("nicename") or "").strip()
        if not slug:
            slug = self.term_slugs.get((taxonomy, name)) or _slug(name)
        return ItemTerm(taxonomy=taxonomy, slug=slug, name=name or slug)

    def _comment(self, element):
        names = self.names
        fields = {}
        wp_id = None
        for child in element:
            name = names.get(child.tag) or self._name(child.tag)
            if name in _COMMENT_SCALAR:
                fields[_COMMENT_SCALAR[name]] = (child.text or "").strip()
            elif name == "wp:comment_content":
                fields["content"] = child.text or ""
            elif name == "wp:comment_id":
                wp_id = _int(child.text, None)
            elif name in _COMMENT_INT:
                fields[_COMMENT_INT[name]] = _int(child.text, 0)
            elif name == "wp:comment_date":
                fields["date"] = _local_date(child.text)
            elif name == "wp:comment_date_gmt":
                fields["date_gmt"] = _gmt_date(child.text)
        if wp_id is None:
            self._bad_record("a comment without a wp:comment_id (a number)")
        return Comment(wp_id=wp_id, **fields)

    # --- names and errors ---------------------------------------------------------

    def _name(self, tag):
        """``"{http://wordpress.org/export/1.2/}post_id"`` → ``"wp:post_id"``; remembered for next time."""
        if tag[:1] == "{":
            uri, _, local = tag[1:].partition("}")
            family = _family(uri)
            if family == "wp":
                self.wp_declared = True
            name = f"{family}:{local}" if family else f"{{{uri}}}{local}"
        else:
            name = tag
        self.names[tag] = name
        return name

    @staticmethod
    def _local(tag):
        return tag.rpartition("}")[2]

    def _position(self):
        """Where expat is now (1-based line and column), or (None, None) once it is closed."""
        expat_parser = getattr(self.parser, "parser", None)
        if expat_parser is None:
            return None, None
        return expat_parser.CurrentLineNumber, expat_parser.CurrentColumnNumber + 1

    def _syntax_error(self, code, line, column):
        column += 1  # expat counts columns from 0
        reason = expat.ErrorString(code) if code else "syntax error"
        if self.input.at_end and not self.started:
            size = f"{self.input.done:,} bytes, no XML element" if self.input.done else "0 bytes"
            return WxrError(f"{self.name} is empty ({size}): {EXPORT_AGAIN} (All content)", line, column)
        if self.input.at_end:
            return WxrError(
                f"{self.name} is cut short: it stops at line {line}, column {column}, before the export ends "
                f"({reason}); copy the whole file again, or {EXPORT_AGAIN}",
                line,
                column,
            )
        return WxrError(
            f"{self.name} is not well-formed XML at line {line}, column {column} ({reason}): "
            f"the file may be damaged or edited by hand; {EXPORT_AGAIN}",
            line,
            column,
        )

    def _not_wxr(self, why):
        line, column = self._position()
        where = f" (line {line})" if line else ""
        raise WxrError(
            f"{self.name} is not a WordPress export (WXR): {why}{where}; "
            "in WordPress, use Tools → Export → All content and import the file it downloads",
            line,
            column,
        ) from None

    def _bad_record(self, what):
        line, column = self._position()
        where = f"near line {line}" if line else "near the end"
        raise WxrError(
            f"{self.name} has {what} {where}: the file may have been edited by hand; {EXPORT_AGAIN}",
            line,
            column,
        )


def _family(uri):
    for pattern, prefix in _FAMILIES:
        if pattern.match(uri):
            return prefix
    return None


def _int(text, default):
    try:
        return int(text.strip())
    except (AttributeError, ValueError):
        return default


def _local_date(text):
    """A naive datetime, or None for WordPress's "0000-00-00 00:00:00", an empty or an impossible date."""
    text = (text or "").strip()
    if not text or text.startswith("0000"):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _gmt_date(text):
    value = _local_date(text)
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _slug(name):
    """A slug as WordPress would make it: accents dropped; other non-Latin text percent-encoded, lower case."""
    return slugify(name) or quote(slugify(name, allow_unicode=True)).lower()


def _unique(terms):
    """``terms`` without repeats: WXR 1.0 lists each category twice (with and without its domain)."""
    seen, unique = set(), []
    for term in terms:
        key = (term.taxonomy, term.slug)
        if key not in seen:
            seen.add(key)
            unique.append(term)
    return unique
