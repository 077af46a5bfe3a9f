"""Defined terms: kept when used, dropped and warned about when not, duplicates and strays flagged."""

from __future__ import annotations

import re

import pytest

from assembler.api import build
from assembler.template.terms import DefinedTerm, find_terms

from conftest import BANK, edited
from reading import paragraphs

#: the examples a build takes alone (the year-2 deal sheet is an input to `assemble vary`)
BUILDABLE = [
    e for e in sorted((BANK / "examples").glob("*.yaml")) if e.stem != "over-65s-alliance-year2"
]


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


def test_names_joined_by_and_or_holding_an_ampersand_raise_no_warning_in_a_build(
    tmp_path, workspace
):
    deal = edited(
        tmp_path,
        ('name: "[Council]"', 'name: "Brighton and Hove City Council"'),
        ('name: "[Third-sector organisation]"', 'name: "Age & Care Brighton"'),
        ('name: "[GP Federation]"', 'name: "Hove & Portslade GP Federation"'),
    )
    result = build(deal, tmp_path / "a.docx", workspace=workspace)
    printed = "\n".join(text for _, text in paragraphs(result.output.read_bytes()))
    for name in ("Brighton and Hove City Council", "Age & Care Brighton", "Hove & Portslade"):
        assert name in printed
    assert [w.message for w in result.warnings if w.rule.startswith("W-term")] == []


DEFINED = re.compile(r"^“([^”]+)” means ")


@pytest.mark.parametrize("example", BUILDABLE, ids=lambda p: p.stem)
@pytest.mark.slow(keep_first=True)
def test_every_term_an_example_defines_is_used_outside_its_definition(example, tmp_path, workspace):
    """The definitions clause holds only the bank's terms that the document uses: "Related
    Agreement" defined by a clause yet used by none is dropped, not printed."""
    result = build(example, tmp_path / "x.docx", workspace=workspace)
    texts = [text for _, text in paragraphs(result.output.read_bytes())]
    defined = [(i, m[1]) for i, text in enumerate(texts) if (m := DEFINED.match(text))]
    assert len(defined) >= 5
    for i, term in defined:
        elsewhere = "\n".join(t for j, t in enumerate(texts) if j != i)
        assert re.search(rf"(?<!\w){re.escape(term)}", elsewhere), term
