"""IIN/BIN check digit (reference/README.md, "IIN and BIN").

Expected results come from the independent implementation below, written from
the rule's text, never from ``core.validators.check_digit``.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.validators import is_valid_iin_bin, validate_iin_bin


def _weighted_remainder(digits: str, weights: list[int]) -> int:
    total = 0
    for position, char in enumerate(digits):
        total += (ord(char) - ord("0")) * weights[position]
    return total % 11


def _remainders(first_eleven: str) -> tuple[int, int]:
    first = _weighted_remainder(first_eleven, list(range(1, 12)))
    second = _weighted_remainder(first_eleven, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])
    return first, second


def _expected_check_digit(first_eleven: str) -> int | None:
    first, second = _remainders(first_eleven)
    if first != 10:
        return first
    if second != 10:
        return second
    return None


def _first_eleven_where(prefix: str, condition) -> str:
    """The first 11-digit string with ``prefix`` (counting up) meeting ``condition``."""
    free = 11 - len(prefix)
    for n in range(10**free):
        candidate = prefix + str(n).zfill(free)
        if condition(*_remainders(candidate)):
            return candidate
    raise AssertionError("no such number")


# Constructed numbers (no real person's or company's number).
PLAIN_IIN_PREFIX = _first_eleven_where("9001013", lambda first, second: first < 10)
PLAIN_BIN_PREFIX = _first_eleven_where("0503400", lambda first, second: first < 10)
SECOND_WEIGHTS_PREFIX = _first_eleven_where("8503153", lambda first, second: first == 10 != second)
BOTH_TEN_PREFIX = _first_eleven_where("8503153", lambda first, second: first == second == 10)


def _with_check_digit(first_eleven: str) -> str:
    digit = _expected_check_digit(first_eleven)
    assert digit is not None
    return first_eleven + str(digit)


@pytest.mark.parametrize("prefix", [PLAIN_IIN_PREFIX, PLAIN_BIN_PREFIX, SECOND_WEIGHTS_PREFIX])
def test_iin_bin_with_right_check_digit_is_valid(prefix):
    number = _with_check_digit(prefix)
    assert is_valid_iin_bin(number) is True
    validate_iin_bin(number)


@pytest.mark.parametrize("prefix", [PLAIN_IIN_PREFIX, PLAIN_BIN_PREFIX, SECOND_WEIGHTS_PREFIX])
def test_iin_bin_with_any_other_check_digit_is_invalid(prefix):
    right = _with_check_digit(prefix)[-1]
    for digit in "0123456789":
        if digit == right:
            continue
        number = prefix + digit
        assert is_valid_iin_bin(number) is False
        with pytest.raises(ValidationError) as exc:
            validate_iin_bin(number)
        assert exc.value.code == "iin_bin_check_digit"


def test_check_digit_uses_second_weights_when_first_remainder_is_ten():
    first, second = _remainders(SECOND_WEIGHTS_PREFIX)
    assert first == 10 and second != 10
    valid = [d for d in "0123456789" if is_valid_iin_bin(SECOND_WEIGHTS_PREFIX + d)]
    assert valid == [str(second)]


def test_number_whose_both_remainders_are_ten_is_invalid_whatever_the_last_digit():
    assert _remainders(BOTH_TEN_PREFIX) == (10, 10)
    for digit in "0123456789":
        number = BOTH_TEN_PREFIX + digit
        assert is_valid_iin_bin(number) is False
        with pytest.raises(ValidationError) as exc:
            validate_iin_bin(number)
        assert exc.value.code == "iin_bin_check_digit"


def test_known_constructed_numbers():
    # Literal cases worked out by hand from the rule, as a fixed point:
    # 85031530180: first remainder 10, second 1 -> check digit 1.
    # 85031530260: both remainders 10 -> no valid number.
    assert _remainders("85031530180") == (10, 1)
    assert is_valid_iin_bin("850315301801") is True
    assert _remainders("85031530260") == (10, 10)
    assert not any(is_valid_iin_bin("85031530260" + d) for d in "0123456789")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "12345678901",  # 11 digits
        "1234567890123",  # 13 digits
        _with_check_digit(PLAIN_IIN_PREFIX)[:-1],
        _with_check_digit(PLAIN_IIN_PREFIX) + "0",
        " " + _with_check_digit(PLAIN_IIN_PREFIX)[1:],
        _with_check_digit(PLAIN_IIN_PREFIX)[:11] + "a",
        _with_check_digit(PLAIN_IIN_PREFIX)[:6] + "-" + _with_check_digit(PLAIN_IIN_PREFIX)[7:],
        "+12345678901",
        "1234567890.0",
    ],
)
def test_wrong_length_or_non_digits_is_a_format_error(value):
    assert is_valid_iin_bin(value) is False
    with pytest.raises(ValidationError) as exc:
        validate_iin_bin(value)
    assert exc.value.code == "iin_bin_format"


@pytest.mark.parametrize(
    "zero",
    [
        0x0660,  # Arabic-Indic
        0xFF10,  # fullwidth
        0x0966,  # Devanagari
    ],
)
def test_unicode_digits_are_a_format_error_even_with_a_right_check_digit(zero):
    ascii_number = _with_check_digit(PLAIN_IIN_PREFIX)
    unicode_number = "".join(chr(zero + int(c)) for c in ascii_number)
    assert unicode_number.isdigit() and len(unicode_number) == 12
    assert is_valid_iin_bin(unicode_number) is False
    with pytest.raises(ValidationError) as exc:
        validate_iin_bin(unicode_number)
    assert exc.value.code == "iin_bin_format"


def test_superscript_digits_are_a_format_error():
    value = "²" * 12  # str.isdigit() is true for superscripts, int() refuses them
    assert is_valid_iin_bin(value) is False
    with pytest.raises(ValidationError) as exc:
        validate_iin_bin(value)
    assert exc.value.code == "iin_bin_format"


@pytest.mark.parametrize("value", [None, 850315301801, 8.5e11, b"850315301801"])
def test_non_string_is_a_format_error(value):
    assert is_valid_iin_bin(value) is False
    with pytest.raises(ValidationError) as exc:
        validate_iin_bin(value)
    assert exc.value.code == "iin_bin_format"
