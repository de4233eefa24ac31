"""Facts of the MHI consumer registry (seed 004; MHI_RULES.md) and the status store.

Facts are never overwritten: feed facts are versioned (``core.models.FeedFact``),
security-forces lists are kept as snapshots, manual inclusions and failure
windows are new rows, so any earlier answer can be reproduced with ``as_of``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import FeedFact, FeedFile, fact_constraints
from core.models.reference import LocalisedNameMixin
from core.validators import validate_iin_bin

from . import engine

CATEGORY_IDENTITY = ("iin", "category", "assigned_on")
PAYMENT_IDENTITY = ("reference", "iin", "period")
SECURITY_IDENTITY = ("authority", "iin")
AUTHORITIES = ("MOD", "MIA", "MOF", "NSC", "GPO", "SGS", "AFM", "ACA")


class Category(models.TextChoices):
    R01 = "R01", _("children")
    R02 = "R02", _("non-working pregnant women")
    R03 = "R03", _("non-working parent raising a child under 3")
    R04 = "R04", _("on maternity, adoption or child-care leave until the child is 3")
    R05 = "R05", _("non-working recipients of the benefit for raising a disabled child")
    R06 = "R06", _("non-working carers of a person with group-I disability")
    R07 = "R07", _("pension recipients, WWII veterans")
    R08 = "R08", _("serving sentences in penitentiary institutions")
    R09 = "R09", _("in pre-trial detention or non-working under house arrest")
    R10 = "R10", _("non-working kandas")
    R11 = "R11", _("mothers of many children with an award")
    R12 = "R12", _("persons with disabilities")
    R13 = "R13", _("full-time students")
    R14 = "R14", _("non-working recipients of targeted social assistance")
    L01 = "L01", _("registered unemployed")
    L02 = "L02", _("non-working in a crisis or emergency social situation")
    F01 = "F01", _("foreigners under a ratified treaty and their families")


class InclusionGroup(models.TextChoices):
    """Groups of cl. 21 items 1-13 and cl. 57 an operator may include by hand (M6)."""

    R01 = "R01", Category.R01.label
    R02 = "R02", Category.R02.label
    R03 = "R03", Category.R03.label
    R04 = "R04", Category.R04.label
    R05 = "R05", Category.R05.label
    R06 = "R06", Category.R06.label
    R07 = "R07", Category.R07.label
    R10 = "R10", Category.R10.label
    R11 = "R11", Category.R11.label
    R12 = "R12", Category.R12.label
    R13 = "R13", Category.R13.label
    R14 = "R14", Category.R14.label
    X13 = "X13", _("exempt from contributions (decree No. 224, crisis-period acts)")
    L01 = "L01", Category.L01.label


class CategoryPeriod(FeedFact):
    """Feed ``mhi_categories``: one version of a category period (cl. 17-19, 52-54, 61)."""

    iin = models.CharField(_("IIN"), max_length=12, validators=[validate_iin_bin])
    last_name = models.CharField(_("last name"), max_length=255)
    first_name = models.CharField(_("first name"), max_length=255, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=255, blank=True)
    category = models.CharField(_("category"), max_length=3, choices=Category.choices)
    assigned_on = models.DateField(_("assigned on"))
    assigned_source = models.CharField(_("assigned by"), max_length=32)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removed_source = models.CharField(_("removed by"), max_length=32, blank=True)
    removal_reason = models.CharField(_("removal reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("category period")
        verbose_name_plural = _("category periods")
        constraints = [
            *fact_constraints("mhi_category", CATEGORY_IDENTITY),
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True)
                | models.Q(removed_on__gte=models.F("assigned_on")),
                name="mhi_category_removed_after_assigned",
            ),
        ]
        indexes = [models.Index(fields=["iin"], name="mhi_category_iin")]

    def __str__(self) -> str:
        return f"{self.category} {self.assigned_on}"


class Payment(FeedFact):
    """Feed ``mhi_payments``: contributions and deductions (cl. 15); refunds are negative."""

    iin = models.CharField(_("IIN"), max_length=12, validators=[validate_iin_bin])
    last_name = models.CharField(_("last name"), max_length=255)
    first_name = models.CharField(_("first name"), max_length=255, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=255, blank=True)
    payer_bin = models.CharField(_("payer BIN"), max_length=12, blank=True)
    payer_name = models.CharField(_("payer"), max_length=500, blank=True)
    period = models.DateField(_("period (first day of the month)"))
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("payment reference"), max_length=64)
    amount_kzt = models.DecimalField(_("amount, tenge"), max_digits=15, decimal_places=2)
    knp = models.CharField(_("КНП"), max_length=3)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            *fact_constraints("mhi_payment", PAYMENT_IDENTITY),
            models.CheckConstraint(
                condition=models.Q(period__day=1), name="mhi_payment_period_first_day"
            ),
        ]
        indexes = [
            models.Index(fields=["iin"], name="mhi_payment_iin"),
            models.Index(fields=["knp"], name="mhi_payment_knp"),
            # Future-dated deliveries (a store row's valid_until): few rows, found at once.
            models.Index(fields=["delivered_on"], name="mhi_payment_delivered"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.period:%Y-%m}"


class SecurityForcesRow(FeedFact):
    """Feed ``mhi_security_forces``: a row of an authority's list (ch. 5).

    The lists themselves, as M5 reads them, are ``SecuritySnapshot`` and
    ``SecurityListing`` (written from every valid row of each file).
    """

    authority = models.CharField(
        _("authority"), max_length=3, choices=[(a, a) for a in AUTHORITIES]
    )
    effective_on = models.DateField(_("list date"))
    iin = models.CharField(_("IIN"), max_length=12, validators=[validate_iin_bin])
    last_name = models.CharField(_("last name"), max_length=255)
    first_name = models.CharField(_("first name"), max_length=255, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("security-forces list row")
        verbose_name_plural = _("security-forces list rows")
        constraints = fact_constraints("mhi_security_row", SECURITY_IDENTITY)


class SecuritySnapshot(models.Model):
    """One full list of an authority, in force from its delivery until the next (cl. 64)."""

    authority = models.CharField(
        _("authority"), max_length=3, choices=[(a, a) for a in AUTHORITIES]
    )
    delivered_on = models.DateField(_("delivery date"))
    sequence = models.PositiveIntegerField(_("file sequence N"), default=0)
    effective_on = models.DateField(_("list date"), null=True, blank=True)
    persons = models.PositiveIntegerField(_("persons listed"), default=0)
    feed_file = models.OneToOneField(
        FeedFile, verbose_name=_("feed file"), on_delete=models.PROTECT, related_name="+"
    )
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        ordering = ["authority", "-delivered_on", "-sequence", "-id"]
        verbose_name = _("security-forces list")
        verbose_name_plural = _("security-forces lists")
        indexes = [models.Index(fields=["authority", "delivered_on"], name="mhi_snapshot_auth_day")]

    def __str__(self) -> str:
        return f"{self.authority} {self.delivered_on} #{self.sequence}"

    def as_fact(self, listed: bool) -> engine.Snapshot:
        return engine.Snapshot(
            authority=self.authority,
            delivered_on=self.delivered_on,
            sequence=self.sequence,
            listed=listed,
            snapshot_id=self.pk,
            loaded_at=self.loaded_at.isoformat(),
        )


class SecurityListing(models.Model):
    snapshot = models.ForeignKey(SecuritySnapshot, on_delete=models.CASCADE, related_name="+")
    iin = models.CharField(_("IIN"), max_length=12)

    class Meta:
        verbose_name = _("listed person")
        verbose_name_plural = _("listed persons")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "iin"], name="mhi_listing_unique")
        ]
        indexes = [models.Index(fields=["iin"], name="mhi_listing_iin")]


class DocumentKind(LocalisedNameMixin):
    """A kind of document a person presents for a manual inclusion (cl. 21, 57)."""

    code = models.CharField(_("code"), max_length=40, primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("document kind")
        verbose_name_plural = _("document kinds")


class RequiredDocument(models.Model):
    """A group needs one document of every ``slot``; kinds in one slot are alternatives."""

    group = models.CharField(_("group"), max_length=3, choices=InclusionGroup.choices)
    slot = models.PositiveSmallIntegerField(_("slot"))
    kind = models.ForeignKey(
        DocumentKind, verbose_name=_("document kind"), on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["group", "slot", "kind"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [
            models.UniqueConstraint(fields=["group", "slot", "kind"], name="mhi_reqdoc_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group} #{self.slot}: {self.kind_id}"


class ManualInclusion(models.Model):
    """M6: an operator's inclusion for one month from the application date (cl. 21, 57)."""

    iin = models.CharField(_("IIN"), max_length=12, validators=[validate_iin_bin])
    group = models.CharField(_("group"), max_length=3, choices=InclusionGroup.choices)
    application_date = models.DateField(_("application date"))
    delivered_on = models.DateField(_("entered on"))
    loaded_at = models.DateTimeField(_("entered at"), default=timezone.now)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-loaded_at", "-id"]
        verbose_name = _("manual inclusion")
        verbose_name_plural = _("manual inclusions")
        indexes = [models.Index(fields=["iin"], name="mhi_manual_iin")]

    def __str__(self) -> str:
        return f"{self.group} {self.application_date}"

    def as_fact(self) -> engine.ManualFact:
        return engine.ManualFact(
            inclusion_id=self.pk,
            group=self.group,
            application_date=self.application_date,
            delivered_on=self.delivered_on,
            loaded_at=self.loaded_at.isoformat(),
        )


class InclusionDocument(models.Model):
    inclusion = models.ForeignKey(
        ManualInclusion, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.ForeignKey(
        DocumentKind, verbose_name=_("document kind"), on_delete=models.PROTECT
    )
    number = models.CharField(_("document number"), max_length=64)
    issued_on = models.DateField(_("issued on"))

    class Meta:
        verbose_name = _("presented document")
        verbose_name_plural = _("presented documents")


class FailureWindow(models.Model):
    """M7: one version of a technical-failure window declared by operations (cl. 13)."""

    window = models.PositiveIntegerField(_("window number"))
    version = models.PositiveIntegerField(_("version"), default=1)
    starts_on = models.DateField(_("failure from"))
    ends_on = models.DateField(_("failure until (exclusive)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    delivered_on = models.DateField(_("declared on"))
    loaded_at = models.DateTimeField(_("declared at"), default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_on", "window", "-version"]
        verbose_name = _("technical-failure window")
        verbose_name_plural = _("technical-failure windows")
        constraints = [
            models.UniqueConstraint(fields=["window", "version"], name="mhi_window_version"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gt=models.F("starts_on")),
                name="mhi_window_ends_after_start",
            ),
        ]

    def as_fact(self) -> engine.FailureWindow:
        return engine.FailureWindow(
            window_id=self.window,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            delivered_on=self.delivered_on,
            version=self.version,
        )


class PersonStatus(models.Model):
    """The current-status store: a person's timeline known today (``as_of`` = ``computed_for``).

    It answers for any ``as_of`` in ``[computed_for, valid_until)``: loads queue
    the people they touch (``PendingRefresh``), so a row not pending is current.

    ``segments``: ``[[start, end|null, basis, category|null], ...]`` in order,
    the union of the person's intervals cut where the winning basis changes.
    """

    iin = models.CharField(_("IIN"), max_length=12, primary_key=True)
    computed_for = models.DateField(_("knowledge date"))
    segments = models.JSONField(_("coverage timeline"), default=list)
    # The first later delivery of a fact about the person (a future-dated file): the row
    # answers only for as_of before it. Empty: no later fact is known.
    valid_until = models.DateField(_("valid until (exclusive)"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)

    class Meta:
        verbose_name = _("person status")
        verbose_name_plural = _("person statuses")


class StatusLookup(models.Model):
    """Audit of status look-ups: who, when, through which channel, which IINs."""

    class Channel(models.TextChoices):
        API = "api", _("REST API")
        FHIR = "fhir", _("FHIR")
        PAGE = "page", _("operator page")
        COMMAND = "command", _("command")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    on = models.DateField(_("day of care"))
    as_of = models.DateField(_("knowledge date"))
    iins = models.JSONField(_("IINs"), default=list)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("status look-up")
        verbose_name_plural = _("status look-ups")
        indexes = [models.Index(fields=["at"], name="mhi_lookup_at")]


class PendingRefresh(models.Model):
    """People whose stored status must be recomputed (written by loads, drained by a task)."""

    iin = models.CharField(_("IIN"), max_length=12, primary_key=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)

    class Meta:
        verbose_name = _("pending status refresh")
        verbose_name_plural = _("pending status refreshes")


class Rebuild(models.Model):
    """A full rebuild of the status store, split into chunks of IINs by prefix."""

    as_of = models.DateField(_("knowledge date"))
    chunks = models.PositiveIntegerField(_("chunks"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("status rebuild")
        verbose_name_plural = _("status rebuilds")


class RebuildChunk(models.Model):
    """One chunk of a rebuild as done by a worker; ``runs`` > 1 would show a chunk done twice."""

    rebuild = models.ForeignKey(Rebuild, on_delete=models.CASCADE, related_name="done")
    prefix = models.CharField(_("IIN prefix"), max_length=12)
    worker = models.CharField(_("worker"), max_length=255)
    persons = models.PositiveIntegerField(_("persons"), default=0)
    runs = models.PositiveIntegerField(_("runs"), default=1)
    seconds = models.FloatField(_("seconds"), default=0)
    done_at = models.DateTimeField(_("done at"), default=timezone.now)

    class Meta:
        verbose_name = _("rebuilt chunk")
        verbose_name_plural = _("rebuilt chunks")
        constraints = [
            models.UniqueConstraint(fields=["rebuild", "prefix"], name="mhi_rebuild_chunk_once")
        ]
