"""Feed files, their rejected rows, and the bookkeeping every feed fact carries.

A ``FeedFile`` row is one attempt to load one file (FEEDS.md): it is written
before the load starts and finished after it, outside the load's own
transaction, so a failed or killed run stays visible to operations. Only one
attempt per feed and content (SHA-256) can end ``loaded``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
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
    """One reason one row of a feed file was not loaded (a row may have several)."""

    feed_file = models.ForeignKey(
        FeedFile, verbose_name=_("feed file"), on_delete=models.CASCADE, related_name="rejections"
    )
    row_number = models.PositiveIntegerField(
        _("row"), help_text=_("As in a spreadsheet: the header is row 1.")
    )
    column = models.CharField(_("column"), max_length=64, blank=True)
    value = models.TextField(_("value"), blank=True)
    reason = models.CharField(_("reason"), max_length=255)

    class Meta:
        ordering = ["feed_file", "row_number", "id"]
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")
        indexes = [models.Index(fields=["feed_file", "row_number"], name="feedrejection_file_row")]

    def __str__(self) -> str:
        return f"{self.feed_file_id}:{self.row_number} {self.column}"

    @property
    def reason_display(self) -> str:
        """The reason in the reader's language (stored as its English source text)."""
        return gettext(self.reason)


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
    )

    class Meta:
        abstract = True


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
