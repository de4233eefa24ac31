"""Feed ``esbd_contracts``: ОСНС contracts from the unified insurance database (FEEDS.md;
seed 000 cl. 6)."""

from django.utils.translation import gettext_lazy as _

from core.feeds import (
    DATE,
    DECIMAL,
    IIN_BIN,
    INT,
    KATO,
    OKED,
    Column,
    Derived,
    Feed,
    Flag,
    Rule,
    register,
)
from core.feeds.organisations import OrganisationColumns, register_organisations
from core.models import Organisation

from .models import IDENTITY, termination_code_sql

ESBD_CONTRACTS = register(
    Feed(
        name="esbd_contracts",
        model="contracts.OsnsContract",
        description=_("Mandatory accident-insurance contracts (unified insurance database)"),
        columns=[
            Column("insurer_bin", IIN_BIN),
            Column("insurer_name", max_length=500),
            # cl. 6.2: an empty series is stored as "" and is part of the identity.
            Column("contract_series", required=False, max_length=50),
            Column("contract_number", max_length=50),
            Column("policyholder_bin", IIN_BIN),
            Column("policyholder_name", max_length=500),
            Column("policyholder_kato", KATO, required=False),
            Column("policyholder_oked", OKED, required=False),
            Column("concluded_on", DATE),
            Column("starts_on", DATE),
            Column("ends_on", DATE),
            # cl. 6.7: the reason's name as the insurer wrote it; its code is derived.
            Column("termination_reason", required=False, max_length=500),
            Column("terminated_on", DATE, required=False),
            Column("annual_payroll_kzt", DECIMAL),
            Column("premium_kzt", DECIMAL),
            Column("workers_count", INT),
        ],
        identity=IDENTITY,
        # An insurer sees the rows of its own that the feed refused (insurer page).
        owner="insurer_bin",
        derived=[Derived("termination_code", termination_code_sql("termination_reason"))],
        # Rejected: what cannot be read (FEEDS.md). A contract terminated on or before
        # its start loads: it was cancelled before cover began and covers no day.
        rules=[
            Rule(
                "starts_on <= ends_on", column="ends_on", reason=_("ends_on is before starts_on.")
            ),
            Rule(
                "annual_payroll_kzt >= 0",
                column="annual_payroll_kzt",
                reason=_("The annual payroll fund cannot be negative."),
            ),
            Rule(
                "premium_kzt >= 0",
                column="premium_kzt",
                reason=_("The premium cannot be negative."),
            ),
            Rule(
                "workers_count >= 0",
                column="workers_count",
                reason=_("The number of workers cannot be negative."),
            ),
            # Flagged, loaded: what breaks an expectation of seed 000 / 002.
            Flag(
                "concluded_on <= starts_on",
                column="concluded_on",
                reason=_("concluded_on is after starts_on."),
            ),
            Flag(
                "terminated_on >= concluded_on",
                column="terminated_on",
                reason=_("terminated_on is before concluded_on."),
            ),
            Flag(
                "ends_on < starts_on + interval '12 months'",
                column="ends_on",
                reason=_("The term is 12 months or longer (the law sets 12 months at most)."),
            ),
            Flag(
                "terminated_on IS NULL OR termination_reason <> ''",
                column="termination_reason",
                reason=_("terminated_on is given without termination_reason."),
            ),
            Flag(
                "termination_reason = '' OR terminated_on IS NOT NULL",
                column="terminated_on",
                reason=_("termination_reason is given without terminated_on."),
            ),
            Flag(
                "terminated_on <= ends_on + 1",
                column="terminated_on",
                reason=_("terminated_on is later than the day after ends_on."),
            ),
            Flag(
                "premium_kzt >= 70000",
                column="premium_kzt",
                reason=_("The premium is 0 or under the minimum of 70 000 tenge."),
            ),
        ],
        post_load=[
            register_organisations(
                OrganisationColumns(
                    bin="insurer_bin", name="insurer_name", kind=Organisation.Kind.INSURER
                ),
                OrganisationColumns(
                    bin="policyholder_bin",
                    name="policyholder_name",
                    kato="policyholder_kato",
                    oked="policyholder_oked",
                    kind=Organisation.Kind.EMPLOYER,
                ),
            )
        ],
    )
)

from .feeds_esutd import ESUTD_CONTRACTS  # noqa: E402, F401  (registers esutd_contracts)
