"""Whole numbers from readers' input: one helper for every id and page number in comments."""

import pytest

from caspian.comments.numbers import to_int

pytestmark = pytest.mark.pure


def test_plain_ascii_digits_are_numbers():
    assert [to_int(v) for v in ("1", "42", "007", "9223372036854775807")] == [1, 42, 7, 2**63 - 1]


@pytest.mark.parametrize(
    "value",
    [
        None, "", " ", "0", "-1", "+1", " 1", "1 ", "1.0", "1e3", "1_000", "0x10", "abc", "\x00", "1\x00",
        "²", "¹²", "٣", "３", "𝟙",  # digits to str.isdigit() and int(), not to a browser
        "9223372036854775808", "99999999999999999999", "9" * 5000, 5, 5.0, b"5", ["5"],
    ],
)  # fmt: skip
def test_anything_else_is_none_and_never_an_exception(value):
    assert to_int(value) is None


def test_bounds():
    assert (to_int("0", minimum=0), to_int("11", maximum=10), to_int("10", maximum=10)) == (0, None, 10)
