"""Demo data for the monthly forms: the last twelve months generated, all but
the latest finalised by the chief inspector, as the monthly routine leaves them."""

from __future__ import annotations

import datetime as dt

from core.models import Organisation
from reports.models import FormCode, ReportHeader, VersionSource
from reports.services import form_finalise, form_generate


def months_before(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months before ``today``'s month, oldest first."""
    months, first = [], today.replace(day=1)
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return list(reversed(months))


def seed_reports_demo(*, today: dt.date, users: dict) -> None:
    chief = users["chief"]
    ReportHeader.objects.update_or_create(
        pk=1,
        defaults={
            "organisation": Organisation.objects.get(kind=Organisation.Kind.REGULATOR),
            "executor": "Сейткали А. М., +7 7172 74 33 15",
            "head": "Нурланов Б. К.",
        },
    )
    periods = months_before(today, 12)
    for period in periods:
        for form in FormCode.values:
            version = form_generate(form=form, period=period, source=VersionSource.COMMAND).version
            if period != periods[-1]:
                form_finalise(version=version, acting_user=chief)
