"""Deal-sheet loading: every mistake located by file, line, column, rule id and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assembler.core.errors import AssemblerError
from assembler.deal.sheet import load_deal

from conftest import BANK, position_of

EXAMPLE = BANK / "examples" / "over-65s-alliance.yaml"

MINIMAL = """\
deal_id: t
document_type: alliance_agreement
title: Test Alliance Agreement
effective_date: 2017-04-01
population: {cohort: people aged 65 and over}
services_in_scope: [adult_social_care]
parties:
  - {id: ccg, name: "[CCG]", kind: ccg, roles: [commissioner]}
  - {id: trust, name: "Trust", kind: nhs_trust, roles: [provider]}
term: {transition_years: 1}
governance:
  bodies: [{id: alb, name: Alliance Leadership Board}]
  decision_rule: unanimous_only
"""


def errors_of(tmp_path: Path, text: str) -> list:
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssemblerError) as caught:
        load_deal(path, frozenset({"adult_social_care", "nhs_standard_contract"}))
    return caught.value.diagnostics


def test_example_loads_with_typed_values():
    deal = load_deal(EXAMPLE)
    assert deal.data["effective_date"] == dt.date(2017, 4, 1)
    assert deal.data["value"]["year1_gbp"] == 200_000_000
    line, column = position_of(
        EXAMPLE.read_text(), "review_points:\n    - {at: ^end_of_year_1"
    ).split(":")
    assert deal.positions["term.review_points[0].at"] == (int(line), int(column))


def test_minimal_deal_loads(tmp_path):
    path = tmp_path / "deal.yaml"
    path.write_text(MINIMAL)
    assert load_deal(path).data["parties"][0]["name"] == "[CCG]"


def test_five_mistakes_give_five_located_errors(tmp_path):
    text = (
        MINIMAL.replace("effective_date: 2017-04-01", "effective_date: 2017-02-30")
        .replace("roles: [commissioner]}", "roles: [commissioner], colour: red}")
        .replace("decision_rule: unanimous_only", "decision_rule: unanimous")
        .replace("term: {transition_years: 1}", "term: {transition_years: one}")
        + "service_contracts:\n  - {id: sc, form: nhs_standard_contract, commissioner: cgg, provider: trust}\n"
    )
    found = errors_of(tmp_path, text)
    summary = [(d.rule, d.line, d.col, d.message.split(":")[0]) for d in found]
    assert summary == [
        ("E-type-02", 4, 17, "effective_date"),
        ("E-key-01", 8, 64, "parties[0].colour"),
        ("E-type-01", 10, 26, "term.transition_years"),
        ("E-enum-01", 13, 18, "governance.decision_rule"),
        ("E-ref-01", 15, 57, "service_contracts[0].commissioner"),
    ]
    assert all(d.file.endswith("deal.yaml") for d in found)
    assert "did you mean 'unanimous_only'" in found[3].hint
    assert "did you mean 'ccg'" in found[4].hint


def test_missing_required_value_names_the_key(tmp_path):
    found = errors_of(tmp_path, MINIMAL.replace("title: Test Alliance Agreement\n", ""))
    assert [(d.rule, d.message) for d in found] == [("E-key-02", "title: is required but missing")]


def test_duplicate_key_is_an_error(tmp_path):
    found = errors_of(tmp_path, MINIMAL + "title: Again\n")
    assert found[0].rule == "E-yaml-02" and found[0].line == 14


def test_unknown_code_suggests_the_nearest(tmp_path):
    found = errors_of(tmp_path, MINIMAL.replace("[adult_social_care]", "[adult_socal_care]"))
    assert found[0].rule == "E-code-01" and "adult_social_care" in found[0].hint


def test_dates_in_the_wrong_order(tmp_path):
    text = MINIMAL.replace(
        "term: {transition_years: 1}",
        "term:\n  transition_years: 1\n  review_points: [{at: 2016-01-01, purpose: review}]",
    )
    found = errors_of(tmp_path, text)
    assert found[0].rule == "E-date-01" and found[0].line == 12


def test_negative_money_and_unknown_document_type(tmp_path):
    found = errors_of(tmp_path, MINIMAL + "value: {year1_gbp: -5}\n")
    assert found[0].rule == "E-value-02" and "negative" in found[0].message
    found = errors_of(tmp_path, MINIMAL.replace("alliance_agreement", "alliance_agreemnt"))
    assert found[0].rule == "E-doc-01" and "alliance_agreement" in found[0].hint


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "E-yaml-03"),
        ("- a\n- b\n", "E-yaml-03"),
        ("a: [1,\n", "E-yaml-01"),
        ("a:\tb\n\tc: d\n", "E-yaml-01"),
    ],
)
def test_not_a_deal_sheet(tmp_path, text, rule):
    assert errors_of(tmp_path, text)[0].rule == rule


def test_placeholders_are_accepted_for_any_scalar(tmp_path):
    path = tmp_path / "deal.yaml"
    path.write_text(MINIMAL.replace("effective_date: 2017-04-01", 'effective_date: "[date]"'))
    assert load_deal(path).data["effective_date"] == "[date]"


def test_g1_the_alliance_agreement_may_not_prevail_over_the_service_contracts(tmp_path):
    found = errors_of(tmp_path, MINIMAL + "precedence: [alliance_agreement, service_contract]\n")
    assert [(d.rule, d.line) for d in found] == [("E-rule-G1", 14)]


def test_g16_open_book_must_be_subject_to_competition_law(tmp_path):
    text = MINIMAL + "information_sharing: {open_book: true, subject_to_competition_law: false}\n"
    assert errors_of(tmp_path, text)[0].rule == "E-rule-G16"


def test_g18_an_alliance_agreement_needs_a_commissioner(tmp_path):
    text = MINIMAL.replace("roles: [commissioner]}", "roles: [provider]}")
    assert [(d.rule, d.line) for d in errors_of(tmp_path, text)] == [("E-rule-G18", 8)]
