"""The planner on its own: which clause fills each slot, which version, which number; pins from a
lock, the places of an agreement as varied, and the errors it locates in the deal sheet."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assembler.core.errors import AssemblerError
from assembler.deal.sheet import Deal, load_deal
from assembler.plan.planner import (
    NOT_USED,
    Pins,
    Place,
    Plan,
    Planner,
    document_info,
    party_records,
)
from assembler.template.sandbox import deal_names

from conftest import BANK, EXAMPLE, position_of

MOU = BANK / "examples" / "ooh-transformation-mou.yaml"


def plan(
    workspace: Any,
    deal: Deal,
    *,
    pins: Pins | None = None,
    layout: list[Place] | None = None,
    draft: bool = False,
) -> Plan:
    outline = workspace.outline(deal.document_type)
    parties = party_records(deal, workspace.env, workspace.forms)
    names = deal_names(deal.data, parties, document_info(deal, outline))
    planner = Planner(
        deal, workspace.bank, outline, workspace.env, names, draft=draft, pins=pins, layout=layout
    )
    return planner.plan()


def deal_of(workspace: Any, path: Any = EXAMPLE, **changes: Any) -> Deal:
    deal = load_deal(path, workspace.bank.codes, law=workspace.bank.law)
    return replace(deal, data={**deal.data, **changes}) if changes else deal


def test_clauses_are_numbered_in_outline_order_after_the_definitions(workspace: Any) -> None:
    made = plan(workspace, deal_of(workspace))
    assert made.clauses[0].kind == "definitions"
    assert made.clauses[0].title == "Definitions and interpretation"
    assert [pc.number for pc in made.clauses] == [str(n) for n in range(1, len(made.clauses) + 1)]
    assert [pc.number for pc in made.schedules] == [
        f"Schedule {n}" for n in range(1, len(made.schedules) + 1)
    ]
    assert made.recitals is not None and made.recitals.number == "Background"
    outline = workspace.outline("alliance_agreement")
    order = [s.name for s in outline.clauses]
    slots = [pc.slot for pc in made.clauses[1:]]
    assert slots == [s for s in order if s in slots]
    assert all(len(pc.sha256) == 64 and pc.version for pc in made.all_clauses())


def test_a_clause_whose_condition_is_false_is_left_out(workspace: Any) -> None:
    deal = deal_of(workspace)
    assert "risk_share" not in deal.data
    slots = {pc.slot for pc in plan(workspace, deal).clauses}
    assert "risk-share" not in slots and "scope" in slots


def test_a_choice_picks_the_clause_offering_that_option(workspace: Any) -> None:
    deal = deal_of(workspace)
    chosen = {**deal.data["choices"], "liability": "proportionate-with-caps"}
    made = plan(workspace, replace(deal, data={**deal.data, "choices": chosen}))
    liability = next(pc for pc in made.clauses if pc.slot == "liability")
    assert workspace.bank.clause(liability.clause_id).option == "proportionate-with-caps"


def test_an_unknown_choice_is_located_with_a_suggestion(workspace: Any, tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace("  liability: no-blame", "  liabilty: no-blame")
    deal_path = tmp_path / "deal.yaml"
    deal_path.write_text(text)
    with pytest.raises(AssemblerError) as caught:
        plan(workspace, deal_of(workspace, deal_path))
    found = {d.rule: d for d in caught.value.diagnostics}["E-plan-04"]
    assert found.hint == "did you mean 'liability'?"
    assert f"{found.line}:{found.col}" == position_of(text, "  liabilty: ^no-blame")


def test_pins_from_a_lock_fix_the_version_and_a_changed_fragment_is_refused(
    workspace: Any,
) -> None:
    deal = deal_of(workspace)
    made = plan(workspace, deal)
    pins = {pc.slot: (pc.clause_id, pc.version, pc.sha256) for pc in made.all_clauses()}
    assert plan(workspace, deal, pins=pins).all_clauses() == made.all_clauses()
    scope = pins["scope"]
    pins["scope"] = (scope[0], scope[1], "0" * 64)
    with pytest.raises(AssemblerError) as caught:
        plan(workspace, deal, pins=pins)
    assert [d.rule for d in caught.value.diagnostics] == ["E-lock-02"]
    assert f"clause {scope[0]}@{scope[1]}" in caught.value.diagnostics[0].message


def test_a_varied_layout_keeps_signed_numbers_and_marks_gone_places_not_used(
    workspace: Any,
) -> None:
    deal = deal_of(workspace, MOU)
    made = plan(workspace, deal)
    operative = [pc for pc in made.clauses if pc.kind != "definitions"]  # made by the engine
    places = [Place(pc.slot, "clauses", pc.slot == "status") for pc in operative]
    places += [Place(pc.slot, "schedules") for pc in made.schedules]
    varied = plan(workspace, deal, layout=places)
    status = next(pc for pc in varied.clauses if pc.slot == "status")
    assert (status.kind, status.title, status.clause_id) == (NOT_USED, "Not used", "")
    assert [pc.number for pc in varied.clauses] == [pc.number for pc in made.clauses]
    assert varied.layout == places


def test_criteria_map_to_the_numbers_of_the_clauses_that_meet_them(workspace: Any) -> None:
    made = plan(workspace, deal_of(workspace))
    criteria = made.criteria()
    term = next(pc for pc in made.clauses if pc.slot == "term")
    assert term.criteria and all(term.number in criteria[c] for c in term.criteria)
    assert list(criteria) == sorted(criteria)


def test_a_pin_naming_a_clause_the_document_does_not_use_is_located(workspace: Any) -> None:
    deal = deal_of(workspace, pins={"mou-status": "1.0.0"})
    with pytest.raises(AssemblerError) as caught:
        plan(workspace, deal)
    assert [d.rule for d in caught.value.diagnostics] == ["E-plan-03"]
    assert "pins.mou-status" in caught.value.diagnostics[0].message
