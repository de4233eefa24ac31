"""Keeps personal data out of the logs."""

import logging
import re

TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")


def mask_personal_numbers(text: str) -> str:
    """Replaces every 12-digit number (IIN or BIN) with its first 2 digits and stars."""
    return TWELVE_DIGITS.sub(lambda m: m.group(0)[:2] + "*" * 10, text)


class MaskPersonalDataFilter(logging.Filter):
    """Masks the message and the traceback of a record (an exception text may quote input)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_numbers(record.stack_info)
        return True
