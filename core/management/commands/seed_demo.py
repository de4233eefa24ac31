"""python manage.py seed_demo — a realistic, reproducible demo data set.

Organisations in every region (the regulator, territorial departments,
insurers, employers), one user per role and an inspector per region, then
each app's own demo data. The same --seed and --today give the same data.
Running it on a database that already has the demo does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random

from django.apps import apps as django_apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core import demo
from core.models import Organisation, Region, Role
from core.services import token_get_or_create, user_create_or_update

REGULATOR_NAME = (
    "Комитет труда и социальной защиты Министерства труда и социальной защиты населения "
    "Республики Казахстан"
)
DEFAULT_PASSWORD = "Demo-Passw0rd-2026"

# username, role, region code
STAFF_USERS = [
    ("admin", Role.ADMIN, None),
    ("chief", Role.CHIEF_INSPECTOR, None),
    ("ops", Role.OPS, None),
    ("mhi.operator", Role.MHI_OPERATOR, None),
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)


class Command(BaseCommand):
    help = "Loads the reproducible demo data set (all regions, users of every role)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
        parser.add_argument(
            "--print-logins", action="store_true", help="only print the demo logins"
        )

    def handle(self, *args, seed: int, today: dt.date | None, print_logins: bool, **options):
        if print_logins:
            self.stdout.write(self.logins_text())
            return
        if Organisation.objects.filter(kind=Organisation.Kind.REGULATOR).exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        today = today or timezone.localdate()
        rng = random.Random(seed)
        # One line per created user would drown the summary.
        logging.getLogger("core.services").setLevel(logging.WARNING)
        with transaction.atomic():
            users = self.seed_core(rng)
        self.seed_apps(rng=rng, today=today, users=users)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded (seed {seed}, today {today})."))

    def seed_core(self, rng: random.Random) -> dict:
        Organisation.objects.create(
            bin=demo.valid_bin(2019, 6, rng),
            name=REGULATOR_NAME,
            kind=Organisation.Kind.REGULATOR,
            region=Region.objects.get(code="71"),
            kato="711100000",
            address="Астана, ул. Мәңгілік Ел, 8, Дом министерств, подъезд 15",
            phone="+7 7172 74 33 01",
            email="ktszn@enbek.gov.kz",
        )
        regions = list(Region.objects.order_by("kato"))
        for region in regions:
            Organisation.objects.create(
                bin=demo.valid_bin(2018, rng.randint(1, 12), rng),
                name=f"Департамент Комитета труда и социальной защиты по {region.name_ru}",
                kind=Organisation.Kind.DEPARTMENT,
                region=region,
                kato=region.kato,
            )
        insurers = [
            Organisation.objects.create(
                bin=demo.valid_bin(rng.randint(2005, 2015), rng.randint(1, 12), rng),
                name=name,
                kind=Organisation.Kind.INSURER,
                region=Region.objects.get(code=rng.choice(["71", "75"])),
            )
            for name in self.distinct(lambda: demo.insurer_name(rng), 5)
        ]
        medical = Organisation.objects.create(
            bin=demo.valid_bin(2016, 3, rng),
            name="РГП на ПХВ «Республиканский центр электронного здравоохранения»",
            kind=Organisation.Kind.MEDICAL,
            region=Region.objects.get(code="71"),
        )
        for region in regions:
            for _ in range(15):
                Organisation.objects.create(
                    bin=demo.valid_bin(rng.randint(2000, 2024), rng.randint(1, 12), rng),
                    name=demo.company_name(rng),
                    kind=Organisation.Kind.EMPLOYER,
                    region=region,
                    kato=region.kato[:2] + f"{rng.randint(1, 40):02d}" + "00000",
                    oked=rng.choice(["41201", "49410", "47111", "05101", "24101", "86101"]),
                )

        password = demo_password()
        users: dict = {}
        for username, role, region in STAFF_USERS:
            users[username] = user_create_or_update(
                username=username, role=role, region_code=region, password=password
            ).user
        for region in regions:
            username = f"inspector.{region.code}"
            users[username] = user_create_or_update(
                username=username, role=Role.INSPECTOR, region_code=region.code, password=password
            ).user
        users["insurer"] = user_create_or_update(
            username="insurer",
            role=Role.INSURER,
            organisation_bin=insurers[0].bin,
            password=password,
        ).user
        users["medical"] = user_create_or_update(
            username="medical",
            role=Role.MEDICAL_SYSTEM,
            organisation_bin=medical.bin,
            password=password,
        ).user
        for name in ("insurer", "medical"):
            token_get_or_create(user=users[name])
        return users

    @staticmethod
    def distinct(make, n: int) -> list[str]:
        seen: list[str] = []
        while len(seen) < n:
            value = make()
            if value not in seen:
                seen.append(value)
        return seen

    def seed_apps(self, *, rng: random.Random, today: dt.date, users: dict) -> None:
        """Each app's demo data, in the apps' declared order.

        An app takes part by naming its seeder on its AppConfig:
        ``demo_seeder = "app.demo.seed_app_demo"`` (a callable taking
        ``rng``, ``today`` and ``users`` keyword arguments and returning a
        one-line summary) and ``demo_order`` (lower runs first). Core knows
        no app by name; each seeder gets its own random stream.
        """
        seeders = sorted(
            (
                (getattr(config, "demo_order", 100), config.label, config.demo_seeder)
                for config in django_apps.get_app_configs()
                if getattr(config, "demo_seeder", None)
            ),
        )
        for _order, label, dotted in seeders:
            seeder = import_string(dotted)
            summary = seeder(rng=random.Random(rng.random()), today=today, users=users)
            self.stdout.write(f"  {label}: {summary}")

    def logins_text(self) -> str:
        from rest_framework.authtoken.models import Token

        password = demo_password()
        lines = ["Demo logins (password for all: " + password + "):"]
        roles = [
            ("admin", "administrator (Django admin)"),
            ("chief", "chief inspector, all regions"),
            ("inspector.75", "inspector, Almaty city (inspector.NN for region NN)"),
            ("inspector.71", "inspector, Astana"),
            ("ops", "operations"),
            ("mhi.operator", "MHI operator"),
            ("insurer", "insurer (API token below)"),
            ("medical", "medical system (API token below)"),
        ]
        for username, what in roles:
            lines.append(f"  {username:<14} {what}")
        for token in Token.objects.filter(user__username__in=["insurer", "medical"]).select_related(
            "user"
        ):
            lines.append(f"  API token of {token.user.username}: {token.key}")
        return "\n".join(lines)
