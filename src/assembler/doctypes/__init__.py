"""The registry of the drafting rules that cannot be declared in a bank's ``rules.yaml``: Python
functions, each named by ``python: <name>`` in a document type's ``rules.yaml`` (or ``x-rules`` in
its schema). Every rule id they raise is in the catalogue (:func:`rules.deal_rule`); a test checks
each registered function declares its ids and each id is listed by ``assemble rules``."""

from __future__ import annotations

from ..typeschema import Rule
from .alliance import (
    gain_pool_remainder_adds_up,
    incentivised_outcomes_measured,
    money_adds_up,
    reopener_has_threshold,
    risk_share_parties_stated,
    seeds_guidance,
)
from .common import (
    deferred_mechanisms_have_a_fallback,
    dual_role_conflicts_declared,
    has_commissioner,
    internal_arrangements_marked,
    judgement_calls,
    law_in_force,
    open_book_subject_to_competition_law,
    review_dates_after_start,
    service_contracts_prevail,
)
from .mou import (
    mou_dates_in_order,
    mou_has_reviews_and_context_trigger,
    mou_is_not_binding_and_has_dated_deliverables,
)
from .som import (
    change_log_in_order,
    effective_on_or_after_agreement,
    history_ends_with_this_version,
    manual_is_last,
)
from .variation import (
    amendment_fields,
    dates_in_order,
    procurement_from_a_basis,
    procurement_when_services_change,
    variations_in_sequence,
)

PYTHON_RULES: dict[str, Rule] = {
    fn.__name__: fn
    for fn in (
        amendment_fields,
        change_log_in_order,
        dates_in_order,
        deferred_mechanisms_have_a_fallback,
        dual_role_conflicts_declared,
        effective_on_or_after_agreement,
        gain_pool_remainder_adds_up,
        has_commissioner,
        history_ends_with_this_version,
        incentivised_outcomes_measured,
        internal_arrangements_marked,
        judgement_calls,
        law_in_force,
        manual_is_last,
        money_adds_up,
        mou_dates_in_order,
        mou_has_reviews_and_context_trigger,
        mou_is_not_binding_and_has_dated_deliverables,
        open_book_subject_to_competition_law,
        procurement_from_a_basis,
        procurement_when_services_change,
        reopener_has_threshold,
        review_dates_after_start,
        risk_share_parties_stated,
        seeds_guidance,
        service_contracts_prevail,
        variations_in_sequence,
    )
}
