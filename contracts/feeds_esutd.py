"""Feed ``esutd_contracts``: employment contracts of the employment-contract registry
(FEEDS.md; DOMAIN.md §1 - who is obliged to insure)."""

from django.utils.translation import gettext_lazy as _

from core.feeds import DATE, IIN_BIN, KATO, OKED, Column, Feed, Rule, register
from core.feeds.organisations import OrganisationColumns, register_organisations
from core.models import Organisation

from .models_employment import EMPLOYMENT_IDENTITY

ESUTD_CONTRACTS = register(
    Feed(
        name="esutd_contracts",
        model="contracts.EmploymentContract",
        description=_("Employment contracts (employment-contract registry)"),
        columns=[
            Column("employer_bin", IIN_BIN),
            # A branch: the BIN of its legal entity, whose ОСНС contract covers it.
            Column("head_bin", IIN_BIN, required=False),
            Column("employer_name", max_length=500),
            Column("employer_kato", KATO, required=False),
            Column("employer_oked", OKED, required=False),
            Column("employee_iin", IIN_BIN),
            Column("contract_number", max_length=50),
            Column("starts_on", DATE),
            Column("ends_on", DATE, required=False),
            Column("terminated_on", DATE, required=False),
        ],
        identity=EMPLOYMENT_IDENTITY,
        rules=[
            # A period whose end is before its start cannot be read (FEEDS.md). A
            # termination on or before the start loads: the contract employs on no day.
            Rule(
                "ends_on >= starts_on", column="ends_on", reason=_("ends_on is before starts_on.")
            ),
        ],
        post_load=[
            register_organisations(
                OrganisationColumns(
                    bin="employer_bin",
                    name="employer_name",
                    kato="employer_kato",
                    oked="employer_oked",
                    kind=Organisation.Kind.EMPLOYER,
                ),
                OrganisationColumns(bin="head_bin", kind=Organisation.Kind.EMPLOYER),
            )
        ],
    )
)
