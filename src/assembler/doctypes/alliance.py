"""The alliance agreement's deal sheet (contracting-model.md section 7.1; document-structures.md A)."""

from __future__ import annotations

from ..schema import Bool, Code, Enum, F, Int, ListOf, Map, Money, Percent, Str
from .common import (
    COMMON,
    GOVERNANCE,
    PARTY,
    PAYMENT,
    SERVICE_CONTRACT,
    TERM,
    codes,
    date_order,
    has_commissioner,
    open_book_subject_to_competition_law,
    review_dates_after_start,
    service_contracts_prevail,
)

ALLIANCE_AGREEMENT = Map(
    {
        **COMMON,
        "population": F(
            Map(
                {
                    "cohort": F(Str(), required=True),
                    "estimated_size": F(Int()),
                    "eligibility_criteria": F(Str()),
                }
            ),
            required=True,
        ),
        "services_in_scope": F(ListOf(Code(), min_items=1), required=True),
        "parties": F(ListOf(PARTY, min_items=2), required=True),
        "service_contracts": F(ListOf(SERVICE_CONTRACT)),
        "precedence": F(ListOf(Enum("service_contract", "alliance_agreement"))),
        "service_operations_manual": F(
            Map(
                {
                    "required": F(Bool()),
                    "holds": F(codes()),
                    "change_flow": F(Code()),
                }
            )
        ),
        "value": F(Map({"year1_gbp": F(Money()), "basis": F(Str())})),
        "term": F(TERM, required=True),
        "governance": F(GOVERNANCE, required=True),
        "information_sharing": F(
            Map(
                {
                    "open_book": F(Bool()),
                    "subject_to_competition_law": F(Bool()),
                    "procurement_safeguards": F(codes()),
                }
            )
        ),
        "dispute_resolution": F(codes()),
        "non_compliance": F(
            Map(
                {
                    "trigger": F(Code()),
                    "sanction": F(Code()),
                    "linked_service_contract_termination": F(Code()),
                }
            )
        ),
        "roles": F(Map({"commissioners": F(codes()), "providers": F(codes())})),
        "payment": F(PAYMENT),
        "financial_plan": F(Map({"jointly_developed": F(Bool()), "stress_tested": F(Bool())})),
        "outcomes": F(Map({"count_identified": F(Int()), "year1_service_aims": F(codes())})),
        "savings_ambition": F(
            Map(
                {
                    "pct_range": F(ListOf(Percent(), min_items=2)),
                    "horizon": F(Code()),
                }
            )
        ),
    },
    rules=[
        review_dates_after_start,
        service_contracts_prevail,
        has_commissioner,
        open_book_subject_to_competition_law,
        date_order(("effective_date", "payment.deferred_mechanism_deadline")),
    ],
)
