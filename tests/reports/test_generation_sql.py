"""Generation is set-based: one aggregate query per source table, whatever the data size."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.selectors import form_compute

IN = date(2025, 10, 10)


def _queries(form: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        form_compute(form=form, period=date(2025, 10, 1))
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(("form", "sources"), [("1-meizhm", 10), ("2-ozh", 2)])
def test_query_count_does_not_grow_with_the_records(records, form, sources):
    few = _queries(form)
    for region in ("10", "11", "75", "79"):
        for _ in range(5):
            inspection = records.inspection(region, completed_on=IN)
            records.violation(inspection, detected_on=IN)
            records.fine(inspection, imposed_on=IN, amount="10.00")
            records.accident(region, occurred_on=IN, outcomes=("light", "fatal"))

    many = _queries(form)

    assert few == many
    assert many <= sources + 3  # the sources, the regions, and nothing per record
