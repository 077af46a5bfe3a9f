"""Defined terms: kept when used, dropped and warned about when not, duplicates and strays flagged."""

from __future__ import annotations

from assembler.api import build
from assembler.template.terms import DefinedTerm, find_terms

from conftest import edited
from reading import paragraphs


def test_used_terms_are_kept_alphabetically_and_unused_ones_dropped():
    defined = [
        DefinedTerm("Transition Period", "the first year", "term"),
        DefinedTerm("Alliance", "the alliance of the Parties", "background"),
        DefinedTerm("Party", "a party to this Agreement", "background"),
        DefinedTerm("Gain Pool", "the pool", "finance"),
    ]
    report = find_terms(defined, ["During the Transition Period the Alliance meets."], [])
    # "Party" is used only inside the definition of "Alliance" (as "Parties"): still needed
    assert report.names == ["Alliance", "Party", "Transition Period"]
    assert [w.rule for w in report.warnings] == ["W-term-02"]
    assert "Gain Pool" in report.warnings[0].message


def test_a_term_defined_twice_is_a_warning():
    defined = [DefinedTerm("Alliance", "one", "a"), DefinedTerm("Alliance", "two", "b")]
    report = find_terms(defined, ["the Alliance"], [])
    assert [w.rule for w in report.warnings] == ["W-term-03"]
    assert report.used[0].text == "one"


def test_a_capitalised_term_nobody_defined_is_a_warning():
    report = find_terms(
        [], ["The board reports to the Joint Strategy Group each month."], ["[CCG]"]
    )
    assert [(w.rule, "Joint Strategy Group" in w.message) for w in report.warnings] == [
        ("W-term-01", True)
    ]
    quiet = find_terms([], ["This Agreement is governed by the law of England and Wales."], [])
    assert quiet.warnings == []


def test_a_name_the_deal_sheet_gives_is_not_taken_for_an_undefined_term(tmp_path, workspace):
    old = 'cohort: "people aged 65 and over living in the area of [Council]"'
    new = 'cohort: "people aged 65 and over registered with the Northshire Primary Care Network"'
    deal = edited(tmp_path, (old, new))
    result = build(deal, tmp_path / "a.docx", workspace=workspace)
    printed = "\n".join(text for _, text in paragraphs(result.output.read_bytes()))
    assert "registered with the Northshire Primary Care Network" in printed
    assert [w.message for w in result.warnings if w.rule == "W-term-01"] == []


def test_party_names_joined_by_and_or_holding_an_ampersand_are_names_not_terms():
    names = ["Brighton Council", "Hove Community Trust", "Smith & Jones Care"]
    text = (
        "The Parties are Brighton Council and Hove Community Trust. "
        "Each month Smith & Jones Care and Brighton Council report to the Joint Strategy Group."
    )
    report = find_terms([], [text], names)
    assert [w.message.split("'")[1] for w in report.warnings] == ["Joint Strategy Group"]


def test_a_name_is_taken_out_only_as_a_whole_word():
    # "la" (a party id among the deal's values) must not cut "Legislation" short
    report = find_terms(
        [DefinedTerm("Data Protection Legislation", "the law", "dp")],
        ["Each Party complies with the Data Protection Legislation."],
        ["la"],
    )
    assert report.warnings == []
