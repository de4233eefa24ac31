"""The report JSON of a version (INTERFACES.md § Reports), cut to one row for an inspector."""

from __future__ import annotations

from django.urls import reverse

from .checks import check_titles, count_failed
from .definitions import FORMS
from .models import FormVersion


def _version_url(request, version: FormVersion, name: str = "version") -> str:
    return request.build_absolute_uri(
        reverse(f"reports_api:{name}", args=[version.form, version.period_label, version.number])
    )


def version_summary(request, version: FormVersion) -> dict:
    return {
        "form": version.form,
        "period": version.period_label,
        "version": version.number,
        "status": version.status,
        "kind": version.kind,
        "source": version.source,
        "generated_at": version.generated_at,
        "finalised_at": version.finalised_at,
        "corrects_version": version.corrects.number if version.corrects_id else None,
        "superseded_by_version": version.superseded_by.number if version.superseded_by_id else None,
        "checks_failed": version.checks_failed,
        "url": _version_url(request, version),
    }


def report_payload(request, version: FormVersion, region_kato: str | None = None) -> dict:
    """The report JSON of INTERFACES.md, cut to one row for an inspector."""
    titles = check_titles()
    rows, total = version.rows, version.total
    checks = version.checks
    diff = version.diff
    if region_kato is not None:
        rows = [row for row in rows if row["kato"] == region_kato]
        total = None
        keep = {region_kato}
        checks = [{**c, "results": [r for r in c["results"] if r["row"] in keep]} for c in checks]
        checks = [{**c, "passed": all(r["passed"] for r in c["results"])} for c in checks]
        if diff is not None:
            diff = {**diff, "cells": [d for d in diff["cells"] if d["row"] in keep]}
    summary = version_summary(request, version)
    if region_kato is not None:
        summary["checks_failed"] = count_failed(checks)
    return {
        **summary,
        "form_index": FORMS[version.form].index,
        "fingerprint": version.fingerprint,
        "superseded_at": version.superseded_at,
        "header": version.header,
        "rows": rows,
        "total": total,
        "checks": [{**c, "title": str(titles.get(c["code"], c["code"]))} for c in checks],
        "diff": diff,
        "downloads": {
            "xlsx": _version_url(request, version, "version-xlsx"),
            "pdf": _version_url(request, version, "version-pdf"),
        },
    }
