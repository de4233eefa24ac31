"""Fact models of the test feeds: one of every column type, and a partitioned one."""

from django.db import models

from core.models import FeedFact, fact_constraints

READING_IDENTITY = ("station_bin", "series", "number")
PAYMENT_IDENTITY = ("reference", "iin", "period")


class Reading(FeedFact):
    station_bin = models.CharField(max_length=12)
    station_name = models.CharField(max_length=100)
    series = models.CharField(max_length=10, blank=True)
    number = models.CharField(max_length=20)
    kato = models.CharField(max_length=9, blank=True)
    oked = models.CharField(max_length=5, blank=True)
    taken_on = models.DateField()
    period = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=15, decimal_places=2)
    count = models.IntegerField()
    colour = models.CharField(max_length=5, blank=True)
    colour_upper = models.CharField(max_length=5, blank=True)

    class Meta:
        constraints = fact_constraints("reading", READING_IDENTITY)


class Payment(FeedFact):
    reference = models.CharField(max_length=50)
    iin = models.CharField(max_length=12)
    period = models.DateField()
    amount = models.DecimalField(max_digits=15, decimal_places=2)

    class Meta:
        constraints = fact_constraints("payment", PAYMENT_IDENTITY)
        indexes = [models.Index(fields=["iin", "period"], name="payment_iin_period")]


class StationTally(models.Model):
    """What a post-load hook keeps: current readings per station (recomputed per load)."""

    station_bin = models.CharField(max_length=12, unique=True)
    readings = models.PositiveIntegerField()
