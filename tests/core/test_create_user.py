"""``manage.py create_user`` (INTERFACES.md, "Management commands")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pghistory.models
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import Organisation, Role
from core.roles import ROLE_PERMISSIONS
from core.services import token_get_or_create, token_rotate
from core.validators import check_digit, is_valid_iin_bin

ROOT = Path(__file__).resolve().parents[2]
User = get_user_model()


def run(*args: str) -> dict:
    out = StringIO()
    call_command("create_user", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, "the command prints exactly one JSON line"
    return json.loads(lines[0])


def unregistered_valid_bin() -> str:
    for n in range(10_000):
        first = f"0502400{n:04d}"
        digit = check_digit(first)
        if digit is not None:
            candidate = first + str(digit)
            if not Organisation.objects.filter(bin=candidate).exists():
                return candidate
    raise AssertionError("no free BIN")


@pytest.fixture
def insurer_org(db) -> Organisation:
    """A registered insurer whose BIN passes the check digit."""
    first = "01014000001"
    return Organisation.objects.create(
        bin=first + str(check_digit(first)), name="Demo Life", kind="insurer"
    )


@pytest.fixture(autouse=True)
def no_password_env(monkeypatch):
    monkeypatch.delenv("NEW_USER_PASSWORD", raising=False)


@pytest.mark.django_db
def test_inspector_is_created_with_region_group_profile_and_generated_password():
    line = run("aidos", "--role", "inspector", "--region", "75")

    user = User.objects.get(username="aidos")
    assert line == {"username": "aidos", "role": "inspector", "password": line["password"]}
    assert user.check_password(line["password"])
    assert user.profile.role == Role.INSPECTOR
    assert user.profile.region_id == "75"
    assert list(user.groups.values_list("name", flat=True)) == ["inspector"]
    assert not user.is_staff and not user.is_superuser


@pytest.mark.django_db
def test_password_from_environment_is_used_and_not_printed(monkeypatch):
    monkeypatch.setenv("NEW_USER_PASSWORD", "Correct-horse-battery-9")

    line = run("chief", "--role", "chief_inspector")

    assert "password" not in line
    assert User.objects.get(username="chief").check_password("Correct-horse-battery-9")


@pytest.mark.django_db
def test_weak_password_from_environment_is_refused(monkeypatch):
    monkeypatch.setenv("NEW_USER_PASSWORD", "12345")

    with pytest.raises(CommandError):
        run("weak", "--role", "ops")
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_token_flag_creates_an_api_token_that_authenticates():
    line = run("medsys", "--role", "medical_system", "--token")

    token = Token.objects.get(user__username="medsys")
    assert line["token"] == token.key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {line['token']}")
    assert client.get("/api/v1/regions/").status_code == 200


@pytest.mark.django_db
def test_inspector_requires_a_region():
    with pytest.raises(CommandError, match="region"):
        run("noregion", "--role", "inspector")
    assert not User.objects.filter(username="noregion").exists()


@pytest.mark.django_db
def test_inspector_region_must_be_a_known_code():
    with pytest.raises(CommandError, match="Unknown region code 99"):
        run("badregion", "--role", "inspector", "--region", "99")


@pytest.mark.django_db
def test_region_is_refused_for_roles_without_a_region():
    with pytest.raises(CommandError, match="region"):
        run("opsregion", "--role", "ops", "--region", "75")


@pytest.mark.django_db
def test_unknown_role_is_refused():
    with pytest.raises(CommandError, match="role"):
        run("nobody", "--role", "emperor")


@pytest.mark.django_db
def test_insurer_requires_an_organisation():
    with pytest.raises(CommandError, match="organisation"):
        run("ins", "--role", "insurer")


@pytest.mark.django_db
def test_insurer_organisation_bin_must_pass_the_check_digit(insurer_org):
    wrong = insurer_org.bin[:11] + str((int(insurer_org.bin[11]) + 1) % 10)
    assert not is_valid_iin_bin(wrong)

    with pytest.raises(CommandError, match="check digit"):
        run("ins", "--role", "insurer", "--organisation", wrong)


@pytest.mark.django_db
def test_insurer_organisation_must_be_registered():
    bin_ = unregistered_valid_bin()

    with pytest.raises(CommandError, match=f"No organisation with BIN {bin_}"):
        run("ins", "--role", "insurer", "--organisation", bin_)
    assert not User.objects.filter(username="ins").exists()


@pytest.mark.django_db
def test_insurer_is_bound_to_its_organisation(insurer_org):
    line = run("ins", "--role", "insurer", "--organisation", insurer_org.bin, "--token")

    user = User.objects.get(username="ins")
    assert user.profile.organisation == insurer_org
    assert line["token"] == Token.objects.get(user=user).key


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "staff", "superuser"),
    [
        ("admin", True, True),
        ("ops", True, False),
        ("chief_inspector", True, False),
        ("mhi_operator", False, False),
        ("medical_system", False, False),
    ],
)
def test_staff_and_superuser_flags_follow_the_role(role, staff, superuser):
    run("someone", "--role", role)

    user = User.objects.get(username="someone")
    assert (user.is_staff, user.is_superuser) == (staff, superuser)
    assert user.profile.role == role
    assert list(user.groups.values_list("name", flat=True)) == [role]


@pytest.mark.django_db
def test_ops_staff_has_only_its_role_permissions():
    run("operator", "--role", "ops")

    user = User.objects.get(username="operator")
    granted = user.get_all_permissions()
    assert granted, "the ops group carries its permissions"
    assert granted <= set(ROLE_PERMISSIONS[Role.OPS])
    assert not user.has_perm("auth.change_user")
    assert not user.has_perm("core.change_region")


@pytest.mark.django_db
def test_rerun_updates_role_and_scope_and_prints_the_existing_token(insurer_org):
    first = run("moving", "--role", "inspector", "--region", "75", "--token")
    user = User.objects.get(username="moving")
    password_hash = user.password

    second = run("moving", "--role", "inspector", "--region", "71")
    third = run("moving", "--role", "insurer", "--organisation", insurer_org.bin)

    user.refresh_from_db()
    assert second == {"username": "moving", "role": "inspector", "token": first["token"]}
    assert third == {"username": "moving", "role": "insurer", "token": first["token"]}
    assert user.profile.role == Role.INSURER
    assert user.profile.region is None
    assert user.profile.organisation == insurer_org
    assert list(user.groups.values_list("name", flat=True)) == ["insurer"]
    assert user.password == password_hash, "a rerun keeps the password"
    assert User.objects.filter(username="moving").count() == 1


@pytest.mark.django_db
def test_rerun_with_password_in_environment_changes_it(monkeypatch):
    run("pw", "--role", "ops")
    monkeypatch.setenv("NEW_USER_PASSWORD", "Another-long-secret-42")

    line = run("pw", "--role", "ops")

    assert "password" not in line
    assert User.objects.get(username="pw").check_password("Another-long-secret-42")


@pytest.mark.django_db
def test_demoting_an_admin_removes_superuser_and_staff():
    run("boss", "--role", "admin")
    run("boss", "--role", "mhi_operator")

    user = User.objects.get(username="boss")
    assert not user.is_superuser and not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["mhi_operator"]


@pytest.mark.django_db
def test_rotate_token_replaces_the_key_and_the_old_one_stops_working():
    old = run("rot", "--role", "medical_system", "--token")["token"]

    new = run("rot", "--role", "medical_system", "--rotate-token")["token"]

    assert new != old
    assert list(Token.objects.filter(user__username="rot").values_list("key", flat=True)) == [new]
    stale = APIClient()
    stale.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert stale.get("/api/v1/regions/").status_code == 401
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert fresh.get("/api/v1/regions/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_command_line_prints_one_json_line_and_fails_clearly():
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = url.replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": url}
    env.pop("NEW_USER_PASSWORD", None)
    cmd = [sys.executable, "manage.py", "create_user"]

    ok = subprocess.run(
        [*cmd, "cli-user", "--role", "ops", "--token"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    bad = subprocess.run(
        [*cmd, "cli-inspector", "--role", "inspector"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert ok.returncode == 0, ok.stderr
    line = json.loads(ok.stdout.strip())
    assert set(line) == {"username", "role", "token", "password"}
    assert line["token"] == Token.objects.get(user__username="cli-user").key
    assert bad.returncode == 1
    assert "region" in bad.stderr and bad.stdout == ""


@pytest.mark.django_db
def test_a_token_rotation_is_in_the_profile_history_with_the_acting_user_and_no_key(make_user):
    """A rotation is a change like any other: recorded, with who did it; the key never is."""
    admin = make_user("admin")
    user = make_user("medical_system")
    old = token_get_or_create(user=user).key

    new = token_rotate(user=user, acting_user=admin).key

    event = pghistory.models.Events.objects.references(user.profile).get(pgh_label="token.rotate")
    assert event.pgh_context["acting_user"] == admin.pk
    assert old not in str(event.pgh_data) and new not in str(event.pgh_data)
