"""Whole numbers from what readers send: query strings and form fields anyone can edit."""

import re

# ASCII digits only: str.isdigit() and int() also take "²", "٣", "+5", " 5 " and "1_000".
DIGITS = re.compile(r"[0-9]{1,19}")
# The largest primary key a database stores (a signed 64-bit integer).
LARGEST = 2**63 - 1


def to_int(value, minimum=1, maximum=LARGEST):
    """``value`` as an int when it is written in plain ASCII digits and lies within ``minimum``..``maximum``.

    Anything else (``None``, ``""``, ``"²"``, ``"-1"``, ``"0"`` with the
    default minimum, a number too large for a primary key, a null byte)
    gives ``None``, never an exception: callers treat it as "not given" or
    "no such thing".
    """
    if not isinstance(value, str) or not DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None
