"""Benchmark of the inspectors' record pages at the child-row limit.

Runs a real server (gunicorn, 2 sync workers, DEBUG off) on a database of its
own (DATABASE_URL's name plus ``_bench_pages``), logs in as an inspector with a
real HTTP client and times, for an inspection with ``--violations`` violations
and ``--orders`` orders (the limit is 1 000 per list, core/limits.py):

- ``create``: POST of the whole one-page form (the redirect not followed);
- ``open edit``: GET of the record's edit page (and its size);
- ``save edit``: POST of the same page back, unchanged;
- ``open record``: GET of the record page.

Baselines measured in the same run: the home page (the server's floor for a
page) and the same rows written with one INSERT ... SELECT in raw SQL.

    DATABASE_URL=postgres://... python bench/pages.py [--violations 1000 --orders 300]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _database import bench_database  # noqa: E402

PASSWORD = "bench-pages-Password-1"


def timed(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def form_fields(html: str) -> dict[str, str]:
    """The named inputs of a page as the browser would send them (text, hidden, selected)."""
    fields: dict[str, str] = {}
    for tag in re.findall(r"<input\b[^>]*>", html):
        name = re.search(r'\bname="([^"]+)"', tag)
        if not name:
            continue
        kind = re.search(r'\btype="([^"]+)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio") and "checked" not in tag:
            continue
        value = re.search(r'\bvalue="([^"]*)"', tag)
        fields[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        fields[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(
        r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S
    ):
        fields[name] = body.strip()
    return fields


def inspection_post(csrf: str, violations: int, orders: int) -> dict[str, str]:
    data = {
        "csrfmiddlewaretoken": csrf,
        "region": "75",
        "kind": "unscheduled",
        "subject_bin": "990540000011",
        "subject_iin": "",
        "subject_name": "Bench LLP",
        "started_on": "2026-10-01",
        "completed_on": "",
    }
    lists = {"violations": violations, "orders": orders}
    for key in (
        "violations",
        "orders",
        "fines",
        "suspensions",
        "removals",
        "referrals",
        "criminal_cases",
    ):
        n = lists.get(key, 0)
        data.update(
            {
                f"{key}-TOTAL_FORMS": str(n),
                f"{key}-INITIAL_FORMS": "0",
                f"{key}-MIN_NUM_FORMS": "0",
                f"{key}-MAX_NUM_FORMS": "1000",
            }
        )
    for i in range(violations):
        data.update(
            {
                f"violations-{i}-description": f"Violation {i}",
                f"violations-{i}-detected_on": "2026-10-02",
                f"violations-{i}-eliminated_on": "",
            }
        )
    for i in range(orders):
        data.update(
            {
                f"orders-{i}-number": f"N-{i}",
                f"orders-{i}-issued_on": "2026-10-03",
                f"orders-{i}-due_on": "",
            }
        )
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--violations", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8310")))
    args = parser.parse_args()

    url, name = bench_database(os.environ["DATABASE_URL"], "bench_pages")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "False",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    os.environ.update(env)
    py = sys.executable
    print("migrate, collectstatic ...", flush=True)
    subprocess.run([py, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    # DEBUG off serves the hashed static files: collect them (again: the code may have changed).
    subprocess.run(
        [py, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )

    import django

    django.setup()
    import requests
    from django.contrib.auth import get_user_model
    from django.db import connection

    from core.models import Role, UserProfile

    user, _ = get_user_model().objects.get_or_create(username="bench.inspector")
    user.set_password(PASSWORD)
    user.save()
    UserProfile.objects.update_or_create(
        user=user, defaults={"role": Role.INSPECTOR, "region_id": "75"}
    )

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(Path(py).parent / "gunicorn"),
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            "2",
            "--timeout",
            "300",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                requests.get(base + "/accounts/login/", timeout=10)
                break
            except requests.RequestException:
                time.sleep(0.2)
        s = requests.Session()
        login = s.get(base + "/accounts/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        s.post(
            base + "/accounts/login/",
            data={"csrfmiddlewaretoken": csrf, "username": user.username, "password": PASSWORD},
            headers={"Referer": base},
        )
        home, page = timed(lambda: s.get(base + "/"))
        assert page.status_code == 200 and "bench.inspector" in page.text, page.status_code

        create_page = s.get(base + "/inspection/inspections/new/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', create_page.text).group(1)
        data = inspection_post(csrf, args.violations, args.orders)
        create, response = timed(
            lambda: s.post(
                base + "/inspection/inspections/new/",
                data=data,
                allow_redirects=False,
                headers={"Referer": base},
            )
        )
        assert response.status_code == 302, (
            response.status_code,
            re.findall(r'<ul class="errorlist[^"]*"[^>]*>.*?</ul>', response.text)[:5],
        )
        record_url = base + response.headers["Location"]
        pk = re.search(r"/(\d+)/", record_url).group(1)
        edit_url = f"{base}/inspection/inspections/{pk}/edit/"
        open_edit, edit_page = timed(lambda: s.get(edit_url))
        assert edit_page.status_code == 200
        assert edit_page.text.count('data-testid="violations-row"') >= args.violations
        posted = form_fields(edit_page.text)
        save_edit, saved = timed(
            lambda: s.post(edit_url, data=posted, allow_redirects=False, headers={"Referer": base})
        )
        assert saved.status_code == 302, (saved.status_code, saved.text[:3000])
        open_record, record = timed(lambda: s.get(record_url))
        assert record.status_code == 200

        with connection.cursor() as cur:
            start = time.perf_counter()
            cur.execute("BEGIN")
            cur.execute(
                "INSERT INTO inspection_violation (inspection_id, description, detected_on)"
                " SELECT %s, 'Violation ' || g, DATE '2026-10-02' FROM generate_series(1, %s) g",
                [pk, args.violations],
            )
            cur.execute("ROLLBACK")
            raw = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()

    print(f"database {name}; inspection with {args.violations} violations + {args.orders} orders")
    print(f"  home page (baseline)          {home:7.3f} s")
    print(f"  create (POST, whole page)     {create:7.3f} s")
    print(
        f"  open edit page (GET)          {open_edit:7.3f} s  {len(edit_page.content) / 1e6:.1f} MB"
    )
    print(f"  save edit page unchanged      {save_edit:7.3f} s")
    print(
        f"  open record page (GET)        {open_record:7.3f} s  {len(record.content) / 1e6:.1f} MB"
    )
    print(f"  raw SQL insert of the violations (baseline) {raw:7.3f} s")


if __name__ == "__main__":
    main()
