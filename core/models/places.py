"""The КАТО classifier's places: regions, districts, rural districts and settlements.

A КАТО code has nine digits in four parts, AB CD EF HIJ: the region (AB), the
district or city of regional significance (CD), the rural district or town
(EF) and the settlement (HIJ). A part of zeros means "the unit itself", so the
level and the parent of a place follow from its code alone.
"""

import pghistory
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .reference import LocalisedNameMixin, Region

# (start, end) of each part after the region's two digits, most general first.
KATO_PARTS = ((2, 4), (4, 6), (6, 9))


def kato_level(code: str) -> int:
    """1 region, 2 district, 3 rural district or town, 4 settlement."""
    level = 1
    for number, (start, end) in enumerate(KATO_PARTS, start=2):
        if code[start:end].strip("0"):
            level = number
    return level


def kato_ancestors(code: str) -> list[str]:
    """The codes above ``code``, nearest first (a settlement: its rural district,
    district and region)."""
    found: list[str] = []
    for cut in (6, 4, 2):
        above = code[:cut].ljust(9, "0")
        if kato_level(above) < kato_level(code) and above not in found:
            found.append(above)
    return found


@pghistory.track()
class Place(LocalisedNameMixin):
    """One object of the КАТО classifier, as imported from the classifier's file."""

    class Level(models.IntegerChoices):
        REGION = 1, _("region or city of republican significance")
        DISTRICT = 2, _("district or city of regional significance")
        RURAL_DISTRICT = 3, _("rural district or town")
        SETTLEMENT = 4, _("settlement")

    code = models.CharField(_("КАТО code"), max_length=9, primary_key=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="places", verbose_name=_("region")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent_code = models.CharField(_("parent КАТО code"), max_length=9, blank=True)
    kind = models.CharField(
        _("object type (k)"),
        max_length=2,
        blank=True,
        help_text=_("The classifier's type digit of the object (column k)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("КАТО place")
        verbose_name_plural = _("КАТО places")
        indexes = [models.Index(fields=["parent_code"], name="place_parent_code")]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^\d{9}$"), name="place_code_9_digits"),
            models.CheckConstraint(
                condition=Q(code__startswith=F("region_id")), name="place_region_matches_code"
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="place_level_1_4"),
        ]

    def clean_fields(self, exclude=None) -> None:
        """The code decides region, level and parent: an error in it is the code's."""
        self.derive_from_code()
        exclude = {*(exclude or ()), "region", "level", "parent_code"}
        errors = {}
        if not (len(self.code or "") == 9 and self.code.isascii() and self.code.isdigit()):
            errors["code"] = [_("A КАТО code has 9 digits.")]
        elif not Region.objects.filter(code=self.region_id).exists():
            errors["code"] = [
                _("The first two digits of the КАТО code (%(region)s) are not a known region.")
                % {"region": self.region_id}
            ]
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = {**error.message_dict, **errors}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        self.derive_from_code()
        super().save(*args, **kwargs)

    def derive_from_code(self) -> None:
        """Region, level and parent are the code's: never typed separately."""
        if len(self.code or "") == 9 and self.code.isascii() and self.code.isdigit():
            self.region_id = self.code[:2]
            self.level = kato_level(self.code)
            above = kato_ancestors(self.code)
            self.parent_code = above[0] if above else ""
