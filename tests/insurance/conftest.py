"""A voluntary contract in force and the story around it, built through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.models import Organisation
from insurance import services

D = dt.date
CONCLUDED, ENDS, PAID = D(2026, 1, 5), D(2027, 1, 4), D(2026, 1, 9)
OCCURRED, NOTIFIED = D(2026, 3, 2), D(2026, 3, 3)
SET_ON, UNTIL, DOCS_ON = D(2026, 4, 1), D(2027, 4, 1), D(2026, 4, 6)


def valid(number11: str) -> str:
    from core.validators import check_digit

    return number11 + str(check_digit(number11))


@pytest.fixture
def insurer(db) -> Organisation:
    return Organisation.objects.create(bin=valid("99014000001"), name="Life One", kind="insurer")


@pytest.fixture
def other_insurer(db) -> Organisation:
    return Organisation.objects.create(bin=valid("99014000002"), name="Life Two", kind="insurer")


class Story:
    """Helpers that write through the services, with sensible defaults."""

    def __init__(self, insurer):
        self.insurer = insurer
        self.n = 0

    def contract(
        self,
        *,
        insurer=None,
        concluded_on=CONCLUDED,
        ends_on=ENDS,
        sum_insured=Decimal("5000000"),
        paid_on=PAID,
        **extra,
    ):
        self.n += 1
        contract = services.contract_create(
            insurer=insurer or self.insurer,
            series="ЕС",
            number=f"{self.n:05d}",
            policyholder_bin=valid("12014000003"),
            policyholder_name="Employer LLP",
            concluded_on=concluded_on,
            ends_on=ends_on,
            sum_insured_kzt=sum_insured,
            premium_kzt=Decimal("150000"),
            signatory={"name": "A. Chair", "basis": "chairman"},
            region="75",
            **extra,
        )
        if paid_on:
            services.premium_payment_record(
                contract=contract, received_on=paid_on, amount_kzt=Decimal("150000")
            )
            contract.refresh_from_db()
        return contract

    def event(self, contract, *, occurred_on=OCCURRED, notified_on=NOTIFIED, **extra):
        extra.setdefault("circumstance", "15.2")
        return services.event_create(
            insurer=contract.insurer,
            contract=contract.id,
            insured_iin=valid("85010130001"),
            occurred_on=occurred_on,
            notified_on=notified_on,
            **extra,
        )

    def claim(self, event, *, degree=20, set_on=SET_ON, until=UNTIL, documents_on=DOCS_ON):
        return services.claim_create(
            insurer=event.contract.insurer,
            event=event.id,
            degree_percent=degree,
            degree_set_on=set_on,
            degree_until=until,
            beneficiary={
                "iin": valid("85010130001"),
                "full_name": "B. Worker",
                "address": "Almaty, Abai 1",
                "phone": "+77010000000",
                "bank_account": "KZ000000000000000001",
            },
            documents=[
                {"kind": "accident_act", "received_on": documents_on},
                {"kind": "degree_certificate", "received_on": documents_on},
            ],
        )


@pytest.fixture
def story(insurer) -> Story:
    return Story(insurer)
