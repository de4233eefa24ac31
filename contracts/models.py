"""Mandatory accident-insurance (ОСНС) contracts: facts from the unified insurance
database (feed ``esbd_contracts``, seed 000 cl. 6) and from insurers' API.

Each row is one version of a contract; the identity is (insurer_bin,
contract_series, contract_number). A correction is a new version, the old one
is kept for ``as_of`` questions (FEEDS.md); exactly one version is current.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import FeedFact, FeedFactQuerySet, fact_constraints
from core.validators import validate_iin_bin

# Seed 002: the minimum premium is 70 000 tenge per enterprise.
MINIMUM_PREMIUM_KZT = Decimal("70000")

IDENTITY = ("insurer_bin", "contract_series", "contract_number")


class TerminationReason(models.TextChoices):
    """Seed 000 cl. 6.7: the reason a contract was terminated or cancelled."""

    POLICYHOLDER_REQUEST = "policyholder_request", _("at the policyholder's request")
    INSURER_REQUEST = "insurer_request", _("at the insurer's request")
    LIQUIDATION = "liquidation", _("liquidation of the policyholder")
    LICENSE_REVOKED = "license_revoked", _("the insurer's licence was revoked")
    COURT = "court", _("court decision")
    OTHER = "other", _("other")


# Seed 000 cl. 6.7 (FEEDS.md): the insurer writes the reason's name; these known names
# (kk, ru, and the code itself), compared by their words in lower case, give its code.
# Any other non-empty name is "other".
TERMINATION_NAMES: dict[str, tuple[str, ...]] = {
    TerminationReason.POLICYHOLDER_REQUEST: (
        "по инициативе страхователя",
        "по заявлению страхователя",
        "по требованию страхователя",
        "сақтанушының бастамасы бойынша",
        "сақтанушының өтініші бойынша",
        "сақтанушының талабы бойынша",
    ),
    TerminationReason.INSURER_REQUEST: (
        "по инициативе страховщика",
        "по требованию страховщика",
        "сақтандырушының бастамасы бойынша",
        "сақтандырушының талабы бойынша",
    ),
    TerminationReason.LIQUIDATION: (
        "ликвидация",
        "ликвидация страхователя",
        "тарату",
        "сақтанушының таратылуы",
        "сақтанушыны тарату",
    ),
    TerminationReason.LICENSE_REVOKED: (
        "отзыв лицензии",
        "отзыв лицензии страховщика",
        "лишение лицензии страховщика",
        "лицензияны кері қайтарып алу",
        "сақтандырушының лицензиясын кері қайтарып алу",
    ),
    TerminationReason.COURT: (
        "решение суда",
        "по решению суда",
        "сот шешімі",
        "сот шешімі бойынша",
    ),
    TerminationReason.OTHER: ("другое", "иное", "прочее", "басқа", "өзге"),
}


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def termination_code(name: str) -> str:
    """The code of a termination reason's name ("" for no name, "other" when unknown)."""
    words = _words(name or "")
    if not words:
        return ""
    for code, names in TERMINATION_NAMES.items():
        if words == _words(code) or words in {_words(n) for n in names}:
            return str(code)
    return str(TerminationReason.OTHER)


def termination_code_sql(column: str) -> str:
    """The same as ``termination_code``, in SQL over a text ``column`` (inlined by feeds)."""
    words = f"btrim(regexp_replace(lower({column}), '[^[:alnum:]]+', ' ', 'g'))"
    branches = []
    for code, names in TERMINATION_NAMES.items():
        options = ", ".join(
            "'" + w.replace("'", "''") + "'" for w in sorted({_words(code), *map(_words, names)})
        )
        branches.append(f"WHEN {words} IN ({options}) THEN '{code}'")
    # Most contracts have no reason: that case costs one comparison, not a regex.
    return (
        f"CASE WHEN {column} = '' THEN '' WHEN {words} = '' THEN '' {' '.join(branches)} "
        "ELSE 'other' END"
    )


class OsnsContractQuerySet(FeedFactQuerySet):
    def covering(self, on: dt.date) -> OsnsContractQuerySet:
        """Contracts covering day ``on``: starts_on <= on <= ends_on, not terminated by then."""
        return self.filter(starts_on__lte=on, ends_on__gte=on).exclude(terminated_on__lte=on)


class OsnsContract(FeedFact):
    insurer_bin = models.CharField(_("insurer BIN"), max_length=12, validators=[validate_iin_bin])
    insurer_name = models.CharField(_("insurer"), max_length=500)
    contract_series = models.CharField(_("contract series"), max_length=50, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=50)
    policyholder_bin = models.CharField(
        _("policyholder BIN"), max_length=12, validators=[validate_iin_bin]
    )
    policyholder_name = models.CharField(_("policyholder"), max_length=500)
    policyholder_kato = models.CharField(
        _("policyholder КАТО"), max_length=9, blank=True, validators=[RegexValidator(r"^\d{9}$")]
    )
    policyholder_oked = models.CharField(
        _("policyholder ОКЭД"), max_length=5, blank=True, validators=[RegexValidator(r"^\d{5}$")]
    )
    concluded_on = models.DateField(_("concluded on"))
    starts_on = models.DateField(_("cover starts on"))
    ends_on = models.DateField(_("cover ends on"))
    termination_reason = models.CharField(
        _("termination reason"),
        max_length=500,
        blank=True,
        help_text=_("As the insurer wrote it (cl. 6.7)."),
    )
    termination_code = models.CharField(
        _("termination reason code"),
        max_length=32,
        choices=TerminationReason.choices,
        blank=True,
        help_text=_("Derived from the reason's name: a known name or code, else other."),
    )
    terminated_on = models.DateField(
        _("terminated on"),
        null=True,
        blank=True,
        help_text=_("The first day the contract no longer covers."),
    )
    annual_payroll_kzt = models.DecimalField(
        _("annual payroll fund, tenge"),
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    premium_kzt = models.DecimalField(
        _("premium, tenge"),
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    workers_count = models.PositiveIntegerField(_("number of workers"))
    premium_below_minimum = models.GeneratedField(
        expression=Q(premium_kzt__lt=MINIMUM_PREMIUM_KZT),
        output_field=models.BooleanField(_("premium below 70 000 tenge")),
        db_persist=True,
    )

    objects = OsnsContractQuerySet.as_manager()

    class Meta:
        ordering = ["insurer_bin", "contract_series", "contract_number", "-version"]
        verbose_name = _("mandatory accident-insurance contract")
        verbose_name_plural = _("mandatory accident-insurance contracts")
        constraints = [
            *fact_constraints("osnscontract", IDENTITY),
            models.CheckConstraint(
                condition=Q(insurer_bin__regex=r"^[0-9]{12}$")
                & Q(policyholder_bin__regex=r"^[0-9]{12}$"),
                name="osnscontract_bins_12_digits",
            ),
            # A row breaking the other expectations of cl. 6 loads, flagged (FEEDS.md).
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")),
                name="osnscontract_starts_before_ends",
            ),
            models.CheckConstraint(
                condition=Q(termination_code__in=["", *TerminationReason.values])
                & (Q(termination_code="") | ~Q(termination_reason="")),
                name="osnscontract_termination_code_known",
            ),
            models.CheckConstraint(
                condition=Q(annual_payroll_kzt__gte=0)
                & Q(premium_kzt__gte=0)
                & Q(workers_count__gte=0),
                name="osnscontract_amounts_not_negative",
            ),
        ]
        indexes = [
            models.Index(
                fields=["policyholder_bin", "starts_on"],
                condition=Q(is_current=True),
                name="osnscontract_current_holder",
            ),
        ]

    def __str__(self) -> str:
        number = f"{self.contract_series} {self.contract_number}".strip()
        return f"{number} ({self.insurer_bin}, v{self.version})"
