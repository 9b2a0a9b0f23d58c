"""Tense: whether a date in a sentence is announced as still to come.

Each date is governed by the nearest tense marker: a future or
announcement marker (:data:`FUTURE_MARKERS`: "will", "is expected to",
"is scheduled for", "plans to", "opens"…) or a past tense
(:data:`PAST_MARKERS`: "was", "met", "signed", "last week"…). A marker
after the date counts as :data:`AFTER_PENALTY` characters further away,
since English puts the verb before its time ("…opens on Monday, the
minister said"); a present tense after it does not count at all
(:data:`PRESENT_TENSE`). A future marker put in the past ("was expected to", "had
planned to") counts as past; an infinitive ("to open") takes the tense of
the verb it depends on ("plans to open", "was expected to open"), and
looks ahead when it stands alone, as in a headline ("Ministers to meet on
Monday").
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Marker:
    start: int
    end: int
    future: bool
    before_only: bool = False  # governs only dates after it (see PRESENT_TENSE)


def _words(*words):
    return "|".join(words)


# Each pattern starts with a plain word check, so the lookbehinds after it
# only run where that word is (checking them at every position made
# reading an article ten times slower).
FUTURE_MARKERS = {
    "will": r"\b(?=will\b|shall\b|won't\b|won’t\b|shan't\b)"
    r"(?<!\bthe )(?<!\bpolitical )(?<!\bfree )(?<!\bgood )(?<!\bill )(?<!\bown )\w+(?:n't|n’t)?\b(?!\s+of\b)"
    r"|\b\w+(?:'ll|’ll)\b",
    "would": r"\bwould\b",
    "going_to": r"\bgoing\s+to\b",
    "expected": r"\b(?:expected|expects?|anticipated)\b",
    "scheduled": r"\b(?:scheduled|rescheduled|slated|timetabled|pencill?ed\s+in|earmarked|planned)\b",
    # Prepositions a date may start with ("due *in* March", "set *for*
    # Monday") are looked at, not taken: they belong to the date's phrase.
    "due": r"\b(?:is|are|'s|’s|am|be|now|also|still|was|were)\s+due\s+to\b"
    r"|\bdue(?=\s+(?:on|in|at|by|for|from|next|later|this|before|within|around|out|back|early|late|mid)\b)",
    "set_for": r"\bset(?=\s+(?:to|for)\b)",
    "plans_to": r"\b(?:" + _words(
        "plans?", "planning", "intends?", "intending", "intended", "aims?", "aiming", "hopes?", "hoping",
        "promise[sd]?", "pledge[sd]?", "vow(?:s|ed)?", "propose[sd]?", "prepares?", "preparing", "agree[sd]?",
        "decide[sd]?", "threaten(?:s|ed)?", "wants?", "seeks?", "tipped", "poised", "ready",
    ) + r")(?=\s+(?:to|for)\b)",
    "is_to": r"\b(?:is|are)\s+(?:also\s+|now\s+|then\s+)?to\b(?!\s+blame\b)",
    "upcoming": r"\b(?:upcoming|forthcoming|impending|coming|awaited|pending|next)\b(?!\s+to\b)",
    "ahead_of": r"\bahead\s+of\b",
    "deadline": r"\bdeadlines?\b",
    "is_on": r"\b(?:is|are)(?=\s+on\b)",
    # The present tense of events, for the future ("The museum opens on Monday").
    "opens": r"\b(?:re)?(?:" + _words(
        "opens", "closes", "ends", "begins", "starts", "meets", "votes", "convenes", "resumes", "expires",
        r"takes\s+(?:place|effect|office)", r"comes\s+into\s+(?:force|effect)", r"enters\s+into\s+force",
        r"goes\s+(?:ahead|into\s+effect|on\s+sale|to\s+the\s+polls)", r"kicks\s+off", r"gets\s+under\s*way",
        "launches", "arrives", "visits", "hosts", "holds", r"runs(?=\s+(?:until|till|through)\b)", "decides",
        "publishes", "releases", "unveils", "premieres", "debuts", "departs", "travels",
    ) + r")\b"
    r"|\b(?=meet|convene|reconvene|resume|gather|take|begin|go|head)(?<!\bto )(?:" + _words(
        "meet", "convene", "reconvene", "resume", "gather", r"take\s+place", "begin", r"go\s+to\s+the\s+polls",
        r"head\s+to\s+the\s+polls",
    ) + r")\b",
    "is_meeting": r"\b(?:is|are|am|'s|’s|'re|’re)\s+(?:also\s+)?(?:" + _words(
        "meeting", "holding", "hosting", "travell?ing", "visiting", "launching", "opening", "flying", "heading",
        "leaving", "coming", "returning", "releasing", "publishing", "unveiling", "presenting",
    ) + r")\b",
    # Infinitives: see the module's docstring.
    "to_do": r"\bto\s+(?:" + _words(
        "meet", "vote", "open", "close", "begin", "start", "hold", "host", "visit", "sign", "launch", "resume",
        "decide", "rule", "announce", "publish", "release", "unveil", r"take\s+(?:place|effect|office)",
        r"come\s+into\s+force", "end", "travel", "return", "debate", "consider", "discuss", "finish", "complete",
        "deliver", "present", "appear", "testify", "arrive", "expire",
    ) + r")\b",
    "to_be_done": r"\bto\s+be\s+\w+",
}  # fmt: skip
INFINITIVES = {"to_do", "to_be_done"}
# The present tense also describes habits ("the stream runs high in late
# spring, when the ground holds moisture"); it announces a date only when
# it comes first ("the museum opens on Monday").
PRESENT_TENSE = {"opens", "is_on"}
# How close (in characters) the verb an infinitive depends on must be.
INFINITIVE_REACH = 30

# Participles after "be", "to", "is" ("will be held", "to be signed", "is
# held every May") are not past tenses.
_NOT_AFTER = r"(?<!\bbe )(?<!\bbeen )(?<!\bbeing )(?<!\bto )(?<!\bis )(?<!\bare )(?<!\bam )(?<!\bget )(?<!\bgets )"
IRREGULAR_PAST = (
    "met began rose fell grew said told saw came went took gave won lost held left led spent sold paid built brought "
    "thought found chose spoke wrote broke ran became knew fought got kept sent stood struck drew flew threw sank "
    "shook sought bought caught taught felt heard meant understood wore swore froze hid rode rang sang shot slept "
    "stole swam woke ate drank forgot forgave withdrew overtook undertook"
).split()
PAST_MARKERS = {
    "was": r"\b(?:was|were|had|did|wasn't|weren't|hadn't|didn't|wasn’t|weren’t|hadn’t|didn’t)\b",
    "took_place": r"\b(?:took\s+place|happened|occurred)\b",
    "ago": r"\b(?:yesterday|ago|previously|so\s+far|earlier\s+(?:this|today|in\b))\b|\blast\s+(?!to\b)\w+",
    "irregular": r"\b(?=(?:" + _words(*IRREGULAR_PAST) + r")\b)" + _NOT_AFTER + r"\w+",
    # In lower case only, so names (Ahmed, United) are not read as past tenses.
    "regular": r"\b(?=(?-i:[a-z]{3,}ed)\b)" + _NOT_AFTER + r"(?<![Tt]he )(?<!\b[Aa] )(?<!\b[Aa]n )(?<!\bnewly )\w+",
}  # fmt: skip
# "-ed" words that are not past tenses here (or not verbs at all).
NOT_PAST = frozenset(
    "expected scheduled rescheduled slated timetabled planned pencilled penciled earmarked intended promised "
    "pledged vowed agreed decided proposed threatened prepared tipped poised awaited anticipated "
    "hundred indeed based related limited united armed alleged accused called named supposed concerned involved "
    "interested detailed advanced sacred naked wicked beloved kindred rugged ragged skilled talented".split()
)
# A future marker put in the past: "was expected", "had planned", "were once due".
BACKSHIFTED = re.compile(
    r"\b(?:was|were|had|had\s+been|wasn't|weren't|hadn't|wasn’t|weren’t|hadn’t)\s+"
    r"(?:\w+ly\s+|not\s+|also\s+|still\s+|once\s+|then\s+|first\s+)?$",
    re.IGNORECASE,
)
# A tense after the date counts as this many characters further away than one before it.
AFTER_PENALTY = 10

# Every marker starts a word: checked once, before trying the alternatives.
_MARKERS = re.compile(
    r"\b(?:"
    + "|".join(f"(?P<future_{name}>{pattern})" for name, pattern in FUTURE_MARKERS.items())
    + "|"
    + "|".join(f"(?P<past_{name}>{pattern})" for name, pattern in PAST_MARKERS.items())
    + ")",
    re.IGNORECASE,
)


def find_markers(sentence):
    """The tense markers in ``sentence`` (:class:`Marker` s), in order."""
    markers, infinitives = [], []
    for match in _MARKERS.finditer(sentence):
        kind, name = match.lastgroup.split("_", 1)
        if kind == "past":
            word = match.group().lower()
            if word not in NOT_PAST and not word.endswith("eed"):  # "need", "speed", "exceed"
                markers.append(Marker(match.start(), match.end(), future=False))
        elif name in INFINITIVES:
            infinitives.append(match)
        else:
            backshifted = match.group().lower().startswith(("was ", "were "))
            backshifted = backshifted or BACKSHIFTED.search(sentence, 0, match.start())
            markers.append(Marker(match.start(), match.end(), not backshifted, before_only=name in PRESENT_TENSE))
    for match in infinitives:
        verbs = [m for m in markers if m.end <= match.start() and match.start() - m.end <= INFINITIVE_REACH]
        if verbs:
            future = max(verbs, key=lambda m: m.end).future
        else:
            future = not BACKSHIFTED.search(sentence, 0, match.start())
        markers.append(Marker(match.start(), match.end(), future=future))
    return sorted(markers, key=lambda m: m.start)


def announced(start, end, markers):
    """Whether the nearest of ``markers`` to the text from ``start`` to ``end`` is a future one."""
    nearest, distance = None, None
    for marker in markers:
        if marker.end <= start:
            gap = start - marker.end
        elif marker.start >= end and not marker.before_only:
            gap = marker.start - end + AFTER_PENALTY
        else:
            continue  # inside the date's own words ("next" in "next week")
        if distance is None or gap < distance:
            nearest, distance = marker, gap
    return nearest is not None and nearest.future
