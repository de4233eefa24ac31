"""Daily jobs through real Celery workers: a feed inbox load refreshes the people it
touched; a full rebuild is shared by two workers, no chunk done twice, same result."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.test import override_settings

from core.models import KnpCode
from core.tasks import import_feed_inbox
from mhi_registry import store
from mhi_registry.models import PendingRefresh, PersonStatus, RebuildChunk
from mhi_registry.tasks import import_security_forces_inbox, rebuild_status_store
from tests.conftest import ROOT, _test_database_url
from tests.factories import CategoryPeriodFactory

from .conftest import PAYMENT_COLUMNS, SECURITY_COLUMNS, make_iin, payment_row, write_csv

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_daily_payments_inbox_loaded_by_a_worker_which_then_refreshes_touched_people(
    start_workers, tmp_path
):
    start_workers("w1", FEED_INBOX_ROOT=tmp_path)
    code = KnpCode.objects.filter(gives_cover=True, cover_start="month_start").first().code
    today = store.today()
    period = today.strftime("%Y-%m")
    iins = [make_iin(n, "880808") for n in range(1, 6)]
    inbox = tmp_path / "mhi_payments"
    inbox.mkdir()
    write_csv(
        inbox,
        f"mhi_payments_{today:%Y%m%d}.csv",
        PAYMENT_COLUMNS,
        [payment_row(i, period, today.isoformat(), knp=code, reference="D1") for i in iins],
    )
    result = import_feed_inbox.delay("mhi_payments").get(timeout=120)
    assert result["files"][0]["loaded"] == 5
    assert wait_for(
        lambda: PersonStatus.objects.count() == 5 and not PendingRefresh.objects.exists()
    )
    row = PersonStatus.objects.get(iin=iins[0])
    assert row.segments[0][2] == "PAYMENT" and row.computed_for == today


def test_security_inbox_orders_by_delivery_and_refuses_mixed_files(tmp_path):
    inbox = tmp_path / "mhi_security_forces"
    inbox.mkdir()
    a = make_iin(1, "770707")
    rows = [{"authority": "MOD", "effective_on": "2026-11-01", "iin": a, "last_name": "Б"}]
    write_csv(inbox, "mhi_security_forces_MOD_20261102.csv", SECURITY_COLUMNS, [])
    write_csv(inbox, "mhi_security_forces_MOD_20261101.csv", SECURITY_COLUMNS, rows)
    write_csv(inbox, "mhi_security_forces_MIA_20261101.csv", SECURITY_COLUMNS, rows)
    with override_settings(FEED_INBOX_ROOT=tmp_path):
        result = import_security_forces_inbox.apply().get()
    statuses = [(f.get("file"), f["status"]) for f in result["files"]]
    assert sorted(s for _f, s in statuses) == ["loaded", "loaded", "refused"]
    loaded = [f["file"] for f in result["files"] if f["status"] == "loaded"]
    assert loaded == [
        "mhi_security_forces_MOD_20261101.csv",
        "mhi_security_forces_MOD_20261102.csv",
    ]
    assert (inbox / "refused" / "mhi_security_forces_MIA_20261101.csv").exists()


@pytest.fixture
def start_workers(transactional_db):
    """start_workers("w1", "w2", FEED_INBOX_ROOT=...) -> real worker processes on the test DB."""
    procs = []

    def _start(*names, **extra_env):
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _test_database_url(),
            "CELERY_QUEUE": queue,
            **{k: str(v) for k, v in extra_env.items()},
        }
        for name in names:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "config",
                        "worker",
                        "-Q",
                        queue,
                        "-n",
                        f"{name}@%h",
                        "--pool",
                        "solo",
                        "--loglevel",
                        "WARNING",
                        "--without-heartbeat",
                        "--without-gossip",
                        "--without-mingle",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        from config.celery import app

        assert wait_for(lambda: len(app.control.ping(timeout=1.0) or []) >= len(procs), 60)

    yield _start
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_full_rebuild_is_shared_by_two_workers_none_twice_and_equals_one_worker(start_workers):
    start_workers("w1", "w2")
    today = store.today()
    for n in range(40):
        prefix = f"{n % 10}{n % 7}0101"
        CategoryPeriodFactory(
            iin=make_iin(n, prefix),
            category=["R01", "R07", "L01", "F01"][n % 4],
            assigned_on=today - dt.timedelta(days=100 + n),
            removed_on=today - dt.timedelta(days=n) if n % 3 else None,
            delivered_on=today - dt.timedelta(days=100),
        )
    one_worker = store.rebuild_all()
    expected = dict(PersonStatus.objects.values_list("iin", "segments"))
    assert len(expected) == 40 and RebuildChunk.objects.filter(rebuild=one_worker).count() == len(
        store.all_prefixes()
    )
    PersonStatus.objects.all().delete()

    rebuild_id = rebuild_status_store.apply().get()
    assert wait_for(
        lambda: (
            RebuildChunk.objects.filter(rebuild_id=rebuild_id).count() == len(store.all_prefixes())
        ),
        240,
    )
    chunks = RebuildChunk.objects.filter(rebuild_id=rebuild_id)
    assert set(chunks.values_list("runs", flat=True)) == {1}
    workers = set(chunks.values_list("worker", flat=True))
    assert len(workers) == 2 and all(w.startswith(("w1@", "w2@")) for w in workers)
    assert dict(PersonStatus.objects.values_list("iin", "segments")) == expected
