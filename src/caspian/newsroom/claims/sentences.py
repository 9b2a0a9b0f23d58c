"""Splitting English text into sentences, without tripping over "Sept. 21" or "Mr. Aliyev"."""

import re

# A full stop, question or exclamation mark (with any closing quotes or
# brackets), then space, then what may start a sentence.
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")

# Words whose full stop does not end a sentence (in lower case, without the stop).
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st gen col lt sgt capt cmdr adm gov sen rep rev fr hon pres "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun "
    "no nos vs etc inc ltd co corp jr sr approx est fig vol pp ca cf dept univ assn bros mt ft".split()
)


def split_sentences(text):
    """The sentences of ``text``: each line is a paragraph, split after ``.``, ``?`` or ``!``.

    A full stop after an abbreviation ("Sept. 21", "Mr. Aliyev"), an
    initial ("J. Smith") or a dotted abbreviation ("U.S.", "a.m.") does not
    end a sentence. Whitespace is collapsed; empty sentences are dropped.
    """
    sentences = []
    for paragraph in text.splitlines():
        start = 0
        for end in SENTENCE_END.finditer(paragraph):
            if end.group().startswith(".") and is_abbreviation(last_word(paragraph[start : end.start()])):
                continue
            sentences.append(paragraph[start : end.end()])
            start = end.end()
        sentences.append(paragraph[start:])
    return [" ".join(sentence.split()) for sentence in sentences if sentence.strip()]


def last_word(text):
    """The last word of ``text`` in lower case, without opening quotes or brackets; "" if none."""
    words = text.rsplit(None, 1)
    return words[-1].lstrip("\"'“‘([").lower() if words else ""


def is_abbreviation(word):
    """Whether a full stop after ``word`` (in lower case) marks an abbreviation rather than a sentence's end."""
    return word in ABBREVIATIONS or len(word) == 1 or "." in word
