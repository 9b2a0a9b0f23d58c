"""Reading a comment post too large for Django to read, so the reader still gets the form back.

Django refuses a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) with a
bare "Bad Request (400)", and the reader's text is gone. A reader who
pasted a book into the comment box deserves better: :func:`read_form`
reads such a post itself, a chunk at a time, keeping of each field only
its first characters (enough for any field's limit) and counting the rest,
so the form comes back with the start of the text and a message saying by
how much it is over.

Raising Django's limit for this one view would hold the whole body in
memory, twice (bytes, then text); here memory stays at a few hundred
kilobytes however large the post. Reading stops after
:data:`READ_LIMIT` bytes: past that the post is no reader's slip, and the
worker has better things to do. What was kept up to there is still shown
(the comment box comes before the name and email in the form, so it is
what a browser sends first).
"""

from io import BytesIO
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import QueryDict

# Most bytes read of one oversized post.
READ_LIMIT = 16 * 1024 * 1024
CHUNK = 64 * 1024
# A character takes at most 12 bytes in a form post: four UTF-8 bytes, each as %XX.
MAX_BYTES_PER_CHARACTER = 12
# The bytes of UTF-8 that continue a character: counting the others counts characters.
CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
# A line break's two characters, each encoded or sent as it is.
CR, LF = (b"%0D", b"\r"), (b"%0A", b"\n")


class Field:
    """One ``name=value`` of the post: the name, the value's first bytes, and its length in characters."""

    def __init__(self, keep_bytes):
        self.name = bytearray()
        self.value = bytearray()
        self.in_value = False
        self.keep_bytes = keep_bytes
        self.characters = 0
        self._pending = b""  # a %XX escape cut by the end of a chunk
        self._after_cr = False  # the last character was a CR: a LF now makes one line break, as browsers count

    def feed(self, raw):
        if not self.in_value:
            name, equals, raw = raw.partition(b"=")
            self.name += name[: max(0, 200 - len(self.name))]
            if not equals:
                return
            self.in_value = True
        if len(self.value) < self.keep_bytes:
            self.value += raw[: self.keep_bytes - len(self.value)]
        self._count(raw)

    def _count(self, raw, final=False):
        # Counted on the encoded bytes with bytes methods (C loops): decoding megabytes of %XX in
        # Python would take seconds. Each %XX is one byte; a malformed escape counts as one too.
        raw = self._pending + raw
        cut = raw.rfind(b"%", max(0, len(raw) - 2))
        if cut != -1 and not final:
            raw, self._pending = raw[:cut], raw[cut:]
        else:
            self._pending = b""
        if not raw:
            return
        upper = raw.upper()
        decoded_bytes = len(raw) - 2 * raw.count(b"%")
        continuation = sum(upper.count(b"%" + digit) for digit in (b"8", b"9", b"A", b"B"))
        continuation += len(raw) - len(raw.translate(None, CONTINUATION_BYTES))  # sent unencoded
        line_breaks = sum(upper.count(cr + lf) for cr in CR for lf in LF)
        line_breaks += self._after_cr and upper.startswith(LF)
        self.characters += decoded_bytes - continuation - line_breaks
        self._after_cr = upper.endswith(CR)

    def finish(self):
        """``(name, value)``, decoded; the value is cut where the kept bytes end."""
        self._count(b"", final=True)
        return _decode(self.name), _decode(self.value)


def _decode(raw):
    return unquote_to_bytes(bytes(raw).replace(b"+", b" ")).decode("utf-8", "replace")


def read_form(request, keep_characters):
    """The fields of an ``application/x-www-form-urlencoded`` post Django would not read.

    Returns ``(data, lengths, cut)``: a ``QueryDict`` holding the first
    ``keep_characters`` characters of each field (the last value of a field
    sent twice, as ``QueryDict.get`` gives), the length of each field in
    characters, CRLF counted once (``{name: count}``), and the name of the
    field being read when reading stopped short of the end (its count is a
    lower bound, and the fields after it are missing), else ``None``. Call
    it after ``request.POST`` raised
    :class:`~django.core.exceptions.RequestDataTooBig`.
    """
    try:
        # Django read the body already when Content-Length said less than was sent: its start is kept.
        stream, expected = BytesIO(request.body), None
    except RequestDataTooBig:
        # Refused on its Content-Length, before a byte was read: read it here.
        stream, expected = request, int(request.META.get("CONTENT_LENGTH") or 0)
    data, lengths = QueryDict(mutable=True), {}
    field, read = Field(keep_characters * MAX_BYTES_PER_CHARACTER), 0

    def done(field):
        name, text = field.finish()
        if name:
            data[name] = text[:keep_characters]
            lengths[name] = field.characters
        return name

    while chunk := stream.read(min(CHUNK, READ_LIMIT - read)):
        read += len(chunk)
        *ended, rest = chunk.split(b"&")
        for piece in ended:
            field.feed(piece)
            done(field)
            field = Field(field.keep_bytes)
        field.feed(rest)
    name = done(field)
    return data, lengths, None if expected is not None and read >= expected else name
