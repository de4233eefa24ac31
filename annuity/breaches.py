"""Annuity deadline breaches, registered with insurance.breaches (cl. 25.15, 32, 54) so
that insurance never imports annuity."""

from __future__ import annotations

from insurance.breaches import Candidate, register

from .models import AnnuityContract, AnnuityPayment, PaymentStatus


def _scope(queryset, prefix, insurer_bin, region):
    if insurer_bin:
        queryset = queryset.filter(**{f"{prefix}insurer__bin": insurer_bin})
    if region:
        queryset = queryset.filter(**{f"{prefix}claim__event__contract__region_id": region})
    return queryset


def late_annuity_contracts(*, insurer_bin=None, region=None):
    annuities = _scope(
        AnnuityContract.objects.select_related("insurer", "claim__event__contract"),
        "",
        insurer_bin,
        region,
    )
    for a in annuities:
        c = a.claim.event.contract
        yield Candidate(
            "late_annuity_contract",
            "25.15",
            a.insurer.bin,
            a.insurer.name,
            c.region_id,
            c.id,
            a.id,
            f"{c.label} · #{a.id}",
            a.conclusion_due_on,
            a.signed_on,
        )


def _payments(insurer_bin, region, *, first: bool):
    payments = _scope(
        AnnuityPayment.objects.select_related(
            "contract__insurer", "contract__claim__event__contract"
        )
        .filter(is_first=first)
        .exclude(status=PaymentStatus.CANCELLED),
        "contract__",
        insurer_bin,
        region,
    )
    kind, clause = ("late_first_payment", "32") if first else ("missed_monthly_payment", "54")
    for p in payments:
        a = p.contract
        c = a.claim.event.contract
        yield Candidate(
            kind,
            clause,
            a.insurer.bin,
            a.insurer.name,
            c.region_id,
            c.id,
            p.id,
            f"{c.label} · #{a.id} · {p.month:%Y-%m}",
            p.due_on,
            p.paid_on,
        )


def late_first_payments(*, insurer_bin=None, region=None):
    return _payments(insurer_bin, region, first=True)


def missed_monthly_payments(*, insurer_bin=None, region=None):
    return _payments(insurer_bin, region, first=False)


def register_all() -> None:
    register("late_annuity_contract", late_annuity_contracts)
    register("late_first_payment", late_first_payments)
    register("missed_monthly_payment", missed_monthly_payments)
