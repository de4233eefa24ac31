"""Feed files, their rejected rows, and the bookkeeping every feed fact carries.

A ``FeedFile`` row is one attempt to load one file (FEEDS.md): it is written
before the load starts and finished after it, outside the load's own
transaction, so a failed or killed run stays visible to operations. Only one
attempt per feed and content (SHA-256) can end ``loaded``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class FeedFile(models.Model):
    class Status(models.TextChoices):
        LOADING = "loading", _("loading")
        LOADED = "loaded", _("loaded")
        DUPLICATE = "duplicate", _("duplicate (already loaded)")
        REFUSED = "refused", _("refused")
        FAILED = "failed", _("failed")

    feed = models.CharField(_("feed"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.BigIntegerField(_("size, bytes"), null=True, blank=True)
    delivered_on = models.DateField(_("delivery date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    loaded = models.PositiveIntegerField(_("loaded"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    superseded = models.PositiveIntegerField(_("superseded"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    flagged = models.PositiveIntegerField(
        _("flagged"), default=0, help_text=_("Loaded or unchanged rows carrying a flag.")
    )
    step = models.CharField(
        _("step"), max_length=32, blank=True, help_text=_("While loading: the step running.")
    )
    rows_done = models.PositiveBigIntegerField(
        _("rows done"), default=0, help_text=_("While loading: rows through the step so far.")
    )
    progress_at = models.DateTimeField(_("progress reported"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("feed file")
        verbose_name_plural = _("feed files")
        constraints = [
            # Exactly once: one loaded attempt per feed and content.
            models.UniqueConstraint(
                fields=["feed", "sha256"],
                condition=models.Q(status="loaded"),
                name="feedfile_content_loaded_once",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["loading", "loaded", "duplicate", "refused", "failed"]
                ),
                name="feedfile_status_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="loaded")
                | models.Q(
                    rows=models.F("loaded")
                    + models.F("unchanged")
                    + models.F("superseded")
                    + models.F("rejected")
                ),
                name="feedfile_counts_add_up",
            ),
        ]
        indexes = [
            models.Index(fields=["feed", "status"], name="feedfile_feed_status"),
            models.Index(fields=["feed", "delivered_on"], name="feedfile_feed_delivered"),
        ]

    def __str__(self) -> str:
        return f"{self.feed}: {self.file_name} ({self.get_status_display()})"


class FeedRejection(models.Model):
    """One reason one row of a feed file was not loaded (``kind`` reject; a row may have
    several), or one doubt about a row that loaded (``kind`` flag, FEEDS.md)."""

    class Kind(models.TextChoices):
        REJECT = "reject", _("rejected")
        FLAG = "flag", _("flagged")

    feed_file = models.ForeignKey(
        FeedFile,
        verbose_name=_("feed file"),
        on_delete=models.CASCADE,
        related_name="rejections",
        # Written in bulk by the load, which has just created the file row; a per-row
        # foreign-key trigger would double the cost of a file of bad rows. Feed files are
        # never deleted (the admin is read-only).
        db_constraint=False,
        # The index on (feed file, row) serves every look-up by file; a second index
        # would be written row by row for every rejection.
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.REJECT)
    row_number = models.PositiveIntegerField(
        _("row"), help_text=_("As in a spreadsheet: the header is row 1.")
    )
    column = models.CharField(_("column"), max_length=64, blank=True)
    value = models.TextField(_("value"), blank=True)
    reason = models.CharField(_("reason"), max_length=255)
    owner = models.CharField(
        _("organisation BIN"),
        max_length=12,
        blank=True,
        default="",
        help_text=_(
            "The organisation the row belongs to, as the file names it (e.g. the insurer)."
        ),
    )

    class Meta:
        ordering = ["feed_file", "row_number", "id"]
        verbose_name = _("rejected or flagged row")
        verbose_name_plural = _("rejected and flagged rows")
        # No index on owner: a file of a million bad rows would pay for it row by row;
        # an organisation's rows are read through the files they came in.
        indexes = [models.Index(fields=["feed_file", "row_number"], name="feedrejection_file_row")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["reject", "flag"]), name="feedrejection_kind_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.feed_file_id}:{self.row_number} {self.column}"

    @property
    def reason_display(self) -> str:
        """The reason in the reader's language (stored as its English source text)."""
        return gettext(self.reason)


class FeedFactQuerySet(models.QuerySet):
    """``current()`` and ``as_of(date)`` for every fact model, by its feed's identity."""

    def current(self):
        return self.filter(is_current=True)

    def as_of(self, as_of: dt.date):
        """The version of each identity in force on the knowledge date ``as_of``: the latest
        delivered on or before it (the same date: the higher version)."""
        identity = self.model.fact_identity()
        later = (
            type(self)(self.model, using=self._db)
            .filter(**{name: OuterRef(name) for name in identity}, delivered_on__lte=as_of)
            .filter(
                Q(delivered_on__gt=OuterRef("delivered_on"))
                | Q(delivered_on=OuterRef("delivered_on"), version__gt=OuterRef("version"))
            )
        )
        return self.filter(delivered_on__lte=as_of).filter(~Exists(later))

    def flagged(self):
        return self.exclude(flags=[])


class FeedFact(models.Model):
    """Versioned fact of a feed: the identity's history is kept, one version is current.

    A version answers ``as_of`` questions for ``delivered_on <= as_of`` until a
    version with a later ``delivered_on`` (or the same date and a higher
    ``version``) exists. ``feed_file`` is empty for facts written by other
    channels (an API, an operator).
    """

    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current version"), default=True)
    delivered_on = models.DateField(_("delivery date"))
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    feed_file = models.ForeignKey(
        FeedFile,
        verbose_name=_("feed file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # Checked once per load, not by a trigger per row (a file is millions of rows);
        # the load writes only its own, just-created file id. Not indexed either: each
        # index slows every load; the file's rows are found through the file's rows
        # (FeedRejection) or its delivery date.
        db_constraint=False,
        db_index=False,
    )
    flags = ArrayField(
        models.CharField(max_length=255),
        verbose_name=_("flags"),
        default=list,
        blank=True,
        help_text=_("Doubts about this version recorded when it was loaded (FEEDS.md)."),
    )

    objects = FeedFactQuerySet.as_manager()

    # The identity of a model written by no feed (a feed's declaration gives it otherwise).
    FACT_IDENTITY: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def fact_identity(cls) -> tuple[str, ...]:
        """The identity fields: those of the feed declaring this model."""
        if cls.FACT_IDENTITY:
            return tuple(cls.FACT_IDENTITY)
        from core.feeds.registry import registered_feeds

        label = cls._meta.label_lower
        for feed in registered_feeds().values():
            if feed.model.lower() == label:
                return feed.identity
        raise LookupError(f"No feed declares {cls._meta.label}; set FACT_IDENTITY")

    @property
    def flags_display(self) -> str:
        """The flags in the reader's language."""
        return "; ".join(gettext(flag) for flag in self.flags)


def fact_constraints(prefix: str, identity: Sequence[str]) -> list[models.BaseConstraint]:
    """The constraints of a ``FeedFact`` model: versions unique, one current per identity."""
    identity = list(identity)
    return [
        models.UniqueConstraint(fields=[*identity, "version"], name=f"{prefix}_version_unique"),
        models.UniqueConstraint(
            fields=identity, condition=models.Q(is_current=True), name=f"{prefix}_one_current"
        ),
        models.CheckConstraint(
            condition=models.Q(version__gte=1), name=f"{prefix}_version_positive"
        ),
    ]
