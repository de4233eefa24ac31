"""Test feeds: ``test_readings`` (every column type, rules, flags, a derived value) and
``test_payments`` (append-mostly, partitioned by month of ``period``)."""

from core.feeds import (
    CHOICE,
    DATE,
    DECIMAL,
    IIN_BIN,
    INT,
    KATO,
    MONTH,
    OKED,
    Column,
    Derived,
    Feed,
    Flag,
    Rule,
    register,
)

from .models import PAYMENT_IDENTITY, READING_IDENTITY


def recount_stations(context) -> None:
    """Post-load hook: the current readings of every station the file touched."""
    context.cursor.execute(
        "INSERT INTO feedapp_stationtally (station_bin, readings) "
        "SELECT s.station_bin, (SELECT count(*) FROM feedapp_reading AS r "
        "WHERE r.station_bin = s.station_bin AND r.is_current) "
        f"FROM (SELECT DISTINCT station_bin FROM {context.new_table}) AS s "
        "ON CONFLICT (station_bin) DO UPDATE SET readings = EXCLUDED.readings"
    )


READINGS = register(
    Feed(
        name="test_readings",
        model="feedapp.Reading",
        columns=[
            Column("station_bin", IIN_BIN),
            Column("station_name", max_length=100),
            Column("series", required=False, max_length=10),
            Column("number", max_length=20),
            Column("kato", KATO, required=False),
            Column("oked", OKED, required=False),
            Column("taken_on", DATE),
            Column("period", MONTH, required=False),
            Column("amount", DECIMAL),
            Column("count", INT),
            Column("colour", CHOICE, required=False, choices=("red", "green")),
        ],
        identity=READING_IDENTITY,
        derived=[Derived("colour_upper", "upper(colour)")],
        rules=[
            Rule("amount >= 0", column="amount", reason="The amount cannot be negative."),
            Flag("count <= 1000", column="count", reason="The count is over 1000."),
            Flag("amount < 1000000", column="amount", reason="The amount is a million or more."),
        ],
        post_load=[recount_stations],
    )
)

PAYMENTS = register(
    Feed(
        name="test_payments",
        model="feedapp.Payment",
        columns=[
            Column("reference", max_length=50),
            Column("iin", IIN_BIN),
            Column("period", MONTH),
            Column("amount", DECIMAL),
        ],
        identity=PAYMENT_IDENTITY,
        partition_by="period",
        partition_interval="month",
        rules=[Flag("amount <> 0", column="amount", reason="The amount is zero.")],
    )
)
