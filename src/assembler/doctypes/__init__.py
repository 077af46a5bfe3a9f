"""The registry of the drafting rules that cannot be declared in a bank's ``rules.yaml``: Python
functions, each named by ``python: <name>`` in a document type's ``rules.yaml`` (or ``x-rules`` in
its schema). Every rule id they raise is in the catalogue (:func:`rules.deal_rule`); a test checks
each registered function declares its ids and each id is listed by ``assemble rules``."""

from __future__ import annotations

from assembler.core.ruleids import deal_rule
from assembler.deal.rulekinds import Rule
from assembler.doctypes.alliance import (
    gain_pool_remainder_adds_up,
    incentivised_outcomes_measured,
    money_adds_up,
    reopener_has_threshold,
    risk_share_parties_stated,
)
from assembler.doctypes.alliance_guidance import (
    seeds_guidance,
    termination_has_notice_and_exit_time,
)
from assembler.doctypes.alliance_settlement import (
    commissioners_gain_divided,
    overspend_shares_capped,
    participation_honoured,
    settlement_not_blockable,
)
from assembler.doctypes.common import (
    deferred_mechanisms_have_a_fallback,
    dual_role_conflicts_declared,
    internal_arrangements_marked,
    judgement_calls,
    keys_fit_the_legal_form,
    law_in_force,
    open_book_subject_to_competition_law,
    review_dates_after_start,
    service_contracts_prevail,
)
from assembler.doctypes.mou import (
    every_partner_has_a_part,
    mou_dates_in_order,
    mou_has_reviews_and_context_trigger,
    mou_is_not_binding_and_has_dated_deliverables,
)
from assembler.doctypes.som import (
    change_log_in_order,
    effective_on_or_after_agreement,
    history_ends_with_this_version,
    manual_is_last,
)
from assembler.doctypes.variation import (
    amendment_fields,
    dates_in_order,
    procurement_from_a_basis,
    procurement_when_services_change,
    variations_in_sequence,
)

DATE_ORDER = ("E-date-01", "engine", "a later date in the deal sheet is not after an earlier one")

#: The ids of the rules their own modules do not declare, registered here.
for fn, info in (
    (amendment_fields, ("E-var-03", "engine", "an amendment has the keys its operation needs")),
    (
        variations_in_sequence,
        ("E-var-05", "document-structures.md 5.4", "variations are numbered in sequence"),
    ),
    (
        procurement_when_services_change,
        (
            "E-var-04",
            "document-structures.md 5.5",
            "a deed that changes the services records its procurement basis",
        ),
    ),
    (
        procurement_from_a_basis,
        (
            "W-var-01",
            "document-structures.md 5.5",
            "a procurement record whose basis is a blank states no conclusion",
        ),
    ),
    (
        history_ends_with_this_version,
        (
            "E-rule-SOM1",
            "engine",
            "the revision history ends with this version, in force on the effective date",
        ),
    ),
    (
        manual_is_last,
        (
            "E-rule-G1",
            "contracting-model.md G1; seed 001 ch7",
            "the Service Contracts and the agreement prevail over the manual",
        ),
    ),
    (dates_in_order, DATE_ORDER),
    (change_log_in_order, DATE_ORDER),
    (effective_on_or_after_agreement, DATE_ORDER),
):
    if not getattr(fn, "rule_ids", ()):
        deal_rule(info)(fn)

PYTHON_RULES: dict[str, Rule] = {
    fn.__name__: fn
    for fn in (
        amendment_fields,
        change_log_in_order,
        commissioners_gain_divided,
        dates_in_order,
        deferred_mechanisms_have_a_fallback,
        dual_role_conflicts_declared,
        effective_on_or_after_agreement,
        every_partner_has_a_part,
        gain_pool_remainder_adds_up,
        history_ends_with_this_version,
        incentivised_outcomes_measured,
        internal_arrangements_marked,
        judgement_calls,
        keys_fit_the_legal_form,
        law_in_force,
        manual_is_last,
        money_adds_up,
        mou_dates_in_order,
        mou_has_reviews_and_context_trigger,
        mou_is_not_binding_and_has_dated_deliverables,
        open_book_subject_to_competition_law,
        overspend_shares_capped,
        participation_honoured,
        procurement_from_a_basis,
        procurement_when_services_change,
        reopener_has_threshold,
        review_dates_after_start,
        risk_share_parties_stated,
        seeds_guidance,
        service_contracts_prevail,
        settlement_not_blockable,
        termination_has_notice_and_exit_time,
        variations_in_sequence,
    )
}
