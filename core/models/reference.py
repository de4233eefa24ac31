"""Reference data: loaded by migrations, edited by admins (with import/export)."""

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LocalisedNameMixin(models.Model):
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "kk")[:2]
        return {"kk": self.name_kk, "ru": self.name_ru}.get(lang) or self.name_en or self.name_ru


@pghistory.track()
class Region(LocalisedNameMixin):
    """A first-level unit of the КАТО classifier; rows of both monthly forms."""

    code = models.CharField(
        _("region code"), max_length=2, primary_key=True, validators=[RegexValidator(r"^\d{2}$")]
    )
    kato = models.CharField(
        _("КАТО code"), max_length=9, unique=True, validators=[RegexValidator(r"^\d{9}$")]
    )

    class Meta:
        ordering = ["kato"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{2}$") & models.Q(kato__regex=r"^\d{9}$"),
                name="region_codes_are_digits",
            )
        ]


@pghistory.track()
class OkedSection(LocalisedNameMixin):
    code = models.CharField(_("section"), max_length=1, primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ОКЭД section")
        verbose_name_plural = _("ОКЭД sections")


@pghistory.track()
class OkedCode(LocalisedNameMixin):
    """An economic-activity code with its professional risk class (1-22)."""

    code = models.CharField(
        _("ОКЭД code"), max_length=5, primary_key=True, validators=[RegexValidator(r"^\d{5}$")]
    )
    section = models.ForeignKey(OkedSection, on_delete=models.PROTECT, related_name="codes")
    risk_class = models.PositiveSmallIntegerField(
        _("professional risk class"), validators=[MinValueValidator(1), MaxValueValidator(22)]
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("ОКЭД code")
        verbose_name_plural = _("ОКЭД codes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(risk_class__gte=1, risk_class__lte=22),
                name="oked_risk_class_1_22",
            )
        ]


@pghistory.track()
class MciRate(models.Model):
    """Monthly calculation index (АЕК / МРП) of a fiscal year, in tenge."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    amount_kzt = models.DecimalField(_("amount, tenge"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("monthly calculation index")
        verbose_name_plural = _("monthly calculation indices")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_kzt__gt=0), name="mci_positive")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount_kzt}"


@pghistory.track()
class KnpCode(LocalisedNameMixin):
    """Payment-purpose code (КНП) and whether a payment under it gives MHI cover."""

    class CoverStart(models.TextChoices):
        MONTH_START = "month_start", _("from the first day of the month paid for")
        PAYMENT_DATE = "payment_date", _("from the payment date")

    code = models.CharField(_("КНП code"), max_length=3, primary_key=True)
    gives_cover = models.BooleanField(_("gives cover"))
    cover_start = models.CharField(
        _("cover starts"), max_length=16, choices=CoverStart.choices, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("КНП code")
        verbose_name_plural = _("КНП codes")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(gives_cover=True) & ~models.Q(cover_start=""))
                | (models.Q(gives_cover=False) & models.Q(cover_start="")),
                name="knp_cover_start_iff_cover",
            )
        ]


@pghistory.track()
class DayOffTransfer(models.Model):
    """A government transfer of a day off that the holidays package does not know yet.

    ``day_off``: a weekday made a day off; ``working_day``: a weekend day made
    a working day.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off")
        WORKING_DAY = "working_day", _("working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("becomes"), max_length=16, choices=Kind.choices)
    basis = models.CharField(_("basis (decree)"), max_length=255, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("day-off transfer")
        verbose_name_plural = _("day-off transfers")

    def __str__(self) -> str:
        return f"{self.date}: {self.get_kind_display()}"
