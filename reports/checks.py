"""Consistency checks of a generated form, stored with each version.

Each check compares two figures of every region row and of the total; the
result says, row by row, whether it holds and with which numbers. The checks
flag a form for the chief inspector's attention; they do not block
finalisation (a failed check may have a legitimate reason, e.g. an
investigation completed in January of an accident of December).

1-МЕИЖМ:
- 3 + 4 ≤ 2 (preventive and unscheduled are both parts of all inspections);
- 6 ≤ 5 + violations still open at the start of the month (a violation is
  eliminated after it is detected);
- 14 ≤ 2-ӨЖ column 2 since 1 January (an investigation concerns an accident).
2-ӨЖ:
- 4 = 6 + 7 + 8 (every victim has one outcome);
- 3 ≤ 2, 5 ≤ 4 (parts of wholes);
- 5 ≥ 2 × 3 (a group accident has at least two victims).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .definitions import TOTAL
from .models import FormCode

_OPS: dict[str, Callable[[int, int], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "=": operator.eq,
}


@dataclass(frozen=True)
class Check:
    code: str
    expression: str
    title: str
    left: Callable[[dict, dict], int]  # (values, measures of the row) -> number
    op: str
    right: Callable[[dict, dict], int]
    # How the expression reads on a page, where it has words in it; the stored
    # version and the API keep ``expression`` as it is.
    shown_as: str | None = None


def _v(n: str) -> Callable[[dict, dict], int]:
    return lambda values, measures: int(values[n])


CHECKS: dict[str, tuple[Check, ...]] = {
    FormCode.MEIZHM: (
        Check(
            "meizhm_3_4_within_2",
            "3 + 4 ≤ 2",
            _("Preventive and unscheduled inspections do not exceed all inspections"),
            lambda v, m: int(v["3"]) + int(v["4"]),
            "<=",
            _v("2"),
        ),
        Check(
            "meizhm_6_within_5_and_open",
            "6 ≤ 5 + open",
            _(
                "Violations eliminated do not exceed those detected in the month plus those "
                "still open from earlier months"
            ),
            _v("6"),
            "<=",
            lambda v, m: int(v["5"]) + int(m["open_at_start"]),
            shown_as=_("6 ≤ 5 + still open from earlier months"),
        ),
        Check(
            "meizhm_14_within_accidents_ytd",
            "14 ≤ 2-ӨЖ 2 (YTD)",
            _(
                "Investigations completed do not exceed the accidents since the start of the "
                "year (2-ӨЖ column 2)"
            ),
            _v("14"),
            "<=",
            lambda v, m: int(m["accidents_ytd"]),
            shown_as=_("14 ≤ 2-ӨЖ 2 since the start of the year"),
        ),
    ),
    FormCode.OZH: (
        Check(
            "ozh_4_is_6_7_8",
            "4 = 6 + 7 + 8",
            _("All victims equal light and moderate, severe and fatal together"),
            _v("4"),
            "=",
            lambda v, m: int(v["6"]) + int(v["7"]) + int(v["8"]),
        ),
        Check(
            "ozh_3_within_2",
            "3 ≤ 2",
            _("Group accidents do not exceed all accidents"),
            _v("3"),
            "<=",
            _v("2"),
        ),
        Check(
            "ozh_5_within_4",
            "5 ≤ 4",
            _("Victims of group accidents do not exceed all victims"),
            _v("5"),
            "<=",
            _v("4"),
        ),
        Check(
            "ozh_5_at_least_twice_3",
            "5 ≥ 2 × 3",
            _("Each group accident has at least two victims"),
            _v("5"),
            ">=",
            lambda v, m: 2 * int(v["3"]),
        ),
    ),
}


def check_titles() -> dict[str, str]:
    return {c.code: c.title for checks in CHECKS.values() for c in checks}


def check_expressions() -> dict[str, str]:
    """How each check's expression reads on a page, in the current language."""
    return {c.code: str(c.shown_as or c.expression) for checks in CHECKS.values() for c in checks}


def run_checks(
    *, form: str, rows: list[dict], total: dict, measures: dict[str, dict]
) -> list[dict]:
    """Every check of ``form`` on every region row and on the total.

    ``measures`` maps a measure name to {kato | "total": value}.
    """
    keyed = [(row["kato"], row["values"]) for row in rows] + [(TOTAL, total["values"])]
    results = []
    for check in CHECKS[form]:
        per_row = []
        for key, values in keyed:
            row_measures = {name: by_row.get(key, 0) for name, by_row in measures.items()}
            left = check.left(values, row_measures)
            right = check.right(values, row_measures)
            per_row.append(
                {"row": key, "passed": _OPS[check.op](left, right), "left": left, "right": right}
            )
        results.append(
            {
                "code": check.code,
                "expression": check.expression,
                "passed": all(r["passed"] for r in per_row),
                "results": per_row,
            }
        )
    return results


def count_failed(checks: list[dict]) -> int:
    """How many row results failed, over every check."""
    return sum(1 for check in checks for r in check["results"] if not r["passed"])
