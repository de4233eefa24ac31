"""IIN/BIN validation: the one check used by models, serializers, feeds and forms.

IIN and BIN are 12 digits; the 12th is a check digit: the sum of the first 11
digits times weights 1..11 modulo 11; when that is 10, again with weights
3..11,1,2; when that is 10 again the number is invalid.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None when no digit makes the number valid."""
    digits = [int(c) for c in first_eleven]
    remainder = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
        if remainder == 10:
            return None
    return remainder


def is_valid_iin_bin(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    expected = check_digit(value[:11])
    return expected is not None and expected == int(value[11])


def validate_iin_bin(value: object) -> None:
    """Django validator for an IIN or a BIN."""
    if not isinstance(value, str) or len(value) != 12 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("Must be exactly 12 digits."), code="iin_bin_format")
    if not is_valid_iin_bin(value):
        raise ValidationError(_("The check digit is wrong."), code="iin_bin_check_digit")


validate_iin = validate_iin_bin
validate_bin = validate_iin_bin
