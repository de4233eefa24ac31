"""IIN/BIN validation: the one check used by models, serializers, feeds and forms;
and the plausible range of dates.

IIN and BIN are 12 digits; the 12th is a check digit: the sum of the first 11
digits times weights 1..11 modulo 11; when that is 10, again with weights
3..11,1,2; when that is 10 again the number is invalid.
"""

import datetime
from operator import mul

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


# The weighted sums run over the ASCII codes (one C-level pass, called for every IIN of a
# bulk look-up); subtracting 48 x the sum of the weights turns codes into digits.
_FIRST_OFFSET = 48 * sum(FIRST_WEIGHTS)
_SECOND_OFFSET = 48 * sum(SECOND_WEIGHTS)


def check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None when no digit makes the number valid."""
    codes = first_eleven.encode("ascii")
    if len(codes) != 11 or not codes.isdigit():
        raise ValueError("11 digits expected")
    remainder = (sum(map(mul, codes, FIRST_WEIGHTS)) - _FIRST_OFFSET) % 11
    if remainder == 10:
        remainder = (sum(map(mul, codes, SECOND_WEIGHTS)) - _SECOND_OFFSET) % 11
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


# --- Plausible dates ------------------------------------------------------------
# A date of a record of this system is no earlier than the Republic's
# independence and no more than ten years ahead: year 1 or 9999 is a typing
# slip, never a fact.
EARLIEST_DATE = datetime.date(1991, 12, 16)
YEARS_AHEAD = 10


def latest_date(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))


def validate_plausible_date(value: object) -> None:
    """Django validator: a date between ``EARLIEST_DATE`` and ``latest_date()``."""
    if not isinstance(value, datetime.date):
        return
    if isinstance(value, datetime.datetime):
        value = value.date()
    latest = latest_date()
    if not EARLIEST_DATE <= value <= latest:
        raise ValidationError(
            _("The date must be from %(first)s to %(last)s.")
            % {
                "first": formats.date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                "last": formats.date_format(latest, "SHORT_DATE_FORMAT"),
            },
            code="implausible_date",
        )


def implausible_dates(obj: object) -> dict[str, ValidationError]:
    """The date fields of a model instance outside the plausible range, by field name."""
    errors = {}
    for field in obj._meta.concrete_fields:
        if (
            field.get_internal_type() in ("DateField", "DateTimeField")
            and not field.auto_now
            and not field.auto_now_add
        ):
            try:
                validate_plausible_date(getattr(obj, field.attname))
            except ValidationError as exc:
                errors[field.name] = exc
    return errors
