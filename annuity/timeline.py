"""Annuities on the voluntary contract's timeline (registered with insurance.timeline)."""

from insurance.timeline import Entry

from .models import AnnuityContract, PaymentStatus


def timeline_entries(contract):
    """The annuities of a voluntary contract on its timeline (cl. 25.15, 32, 53-56)."""
    from django.utils.translation import gettext as _

    annuities = AnnuityContract.objects.filter(claim__event__contract=contract).prefetch_related(
        "payments", "recertifications"
    )
    for a in annuities:
        yield Entry(
            a.signed_on,
            "annuity",
            _("Annuity contract signed"),
            _("%(m)s ₸ a month, %(s)s to %(e)s")
            % {"m": a.monthly_amount_kzt, "s": a.starts_on, "e": a.ends_on},
            due_on=a.conclusion_due_on,
            late=a.conclusion_late,
            clause="25.15",
        )
        for p in a.payments.all():
            if p.status == PaymentStatus.CANCELLED:
                continue
            title = _("First annuity payment") if p.is_first else _("Monthly annuity payment")
            yield Entry(
                p.paid_on or p.due_on,
                "annuity",
                f"{title} {p.month:%Y-%m}",
                f"{p.get_status_display()} · {p.amount_kzt} ₸",
                due_on=p.due_on,
                late=(p.paid_on > p.due_on) if p.paid_on else None,
                clause="32" if p.is_first else "54",
            )
        for r in a.recertifications.all():
            yield Entry(
                r.certified_on,
                "annuity",
                _("Re-certification: term extended"),
                f"{r.degree_percent} % · {r.new_ends_on}",
                clause="53",
            )
        if a.terminated_on:
            yield Entry(a.terminated_on, "annuity", a.get_status_display(), clause="56")
