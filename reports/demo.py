"""Demo data for the monthly forms: the last twelve months generated, all but
the latest finalised by the chief inspector, as the monthly routine leaves them."""

from __future__ import annotations

import datetime as dt
import random

from core.models import Organisation
from reports.models import FormCode, ReportHeader, VersionSource
from reports.periods import shift_month
from reports.services import form_finalise, form_generate


def seed_reports_demo(*, rng: random.Random, today: dt.date, users: dict) -> str:
    chief = users["chief"]
    ReportHeader.objects.update_or_create(
        pk=1,
        defaults={
            "organisation": Organisation.objects.get(kind=Organisation.Kind.REGULATOR),
            "executor": "Сейткали А. М., +7 7172 74 33 15",
            "head": "Нурланов Б. К.",
        },
    )
    periods = [shift_month(today, -n) for n in range(12, 0, -1)]
    for period in periods:
        for form in FormCode.values:
            version = form_generate(form=form, period=period, source=VersionSource.COMMAND).version
            if period != periods[-1]:
                form_finalise(version=version, acting_user=chief)
    return "monthly forms generated for the last twelve months, all but the latest final"
