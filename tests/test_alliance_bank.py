"""The alliance agreement's clause bank: the case study A example is complete and the bank covers
the whole contracting-criteria taxonomy."""

from __future__ import annotations

import json
import re

import docx
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from assembler.api import build
from assembler.cli.main import main
from assembler.core.schema import is_placeholder

from conftest import BANK, EXAMPLE, ROOT
from reading import clause_texts, paragraphs

BRACKETED = re.compile(r"\[[^\[\]]*\]")

#: Headings the outline adds for document-structures.md part (a) A: 0e, 11, 12, 13, 25 and 32,
#: in the order they must appear (General, with survival, counterparts and law, closes the clauses).
NEW_HEADINGS = [
    "Key information",
    "Alliance management and working groups",
    "Planning the Alliance Services",
    "Performance and assurance",
    "Suspending Alliance activities",
    "Warranties",
    "General",
]


def _placeholders(value: object) -> set[str]:
    """Every bracketed placeholder value in a loaded deal sheet."""
    if isinstance(value, dict):
        return {p for v in value.values() for p in _placeholders(v)}
    if isinstance(value, list):
        return {p for v in value for p in _placeholders(v)}
    return {str(value)} if is_placeholder(value) else set()


def _text(path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def _variant(tmp_path, *replacements: tuple[str, str]):
    text = EXAMPLE.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    return deal


def test_the_over_65s_example_builds_with_no_warnings(example):
    result, _ = example
    assert [str(w) for w in result.warnings] == []


def test_the_only_brackets_are_the_deal_sheets_placeholders(example):
    result, _ = example
    allowed = _placeholders(YAML(typ="safe").load(EXAMPLE.read_text())) | {"[date]"}
    printed = {m for line in _text(result.output) for m in BRACKETED.findall(line)}
    assert printed, "the example is full of placeholders"
    assert printed - allowed == set()


def test_no_alliance_clause_leaves_a_blank_in_its_own_text(workspace):
    for clause in workspace.bank.clauses.values():
        if "alliance_agreement" not in clause.document_types:
            continue
        newest = max((v for v in clause.versions if v.status == "approved"), key=lambda v: v.key)
        source, _ = workspace.bank.fragment(newest)
        assert "placeholder(" not in source.source, f"{clause.id}@{newest.version}"


def test_the_summary_schedule_appears_only_when_the_deal_asks_for_it(example, tmp_path, workspace):
    result, _ = example
    assert "Plain-English summary" in [s.title for s in result.plan.schedules]
    summary = "\n".join(_text(result.output))
    assert "This Schedule explains the main points of this Agreement in plain English" in summary
    deal = _variant(tmp_path, ("plain_english_summary: true", "plain_english_summary: false"))
    without = build(deal, tmp_path / "without.docx", workspace=workspace)
    assert "Plain-English summary" not in [s.title for s in without.plan.schedules]
    assert not any("in plain English" in line for line in _text(without.output))
    assert [str(w) for w in without.warnings] == []


def test_the_new_headings_appear_in_order(example):
    result, _ = example
    titles = [c.title for c in result.plan.clauses]
    positions = [titles.index(title) for title in NEW_HEADINGS]
    assert positions == sorted(positions)
    assert titles[1] == "Key information"  # straight after the definitions
    assert titles.index("Suspending Alliance activities") < titles.index("Ending the Alliance")
    schedules = [s.title for s in result.plan.schedules]
    assert schedules[0] == "Plain-English summary"
    assert "Outcomes framework" not in schedules  # the Kent model's domains (000) are not case A's


def test_the_optional_criteria_clauses_build_when_the_deal_asks_for_them(tmp_path, workspace):
    deal = _variant(
        tmp_path,
        (
            "  measures_held_in:",
            "  domains: [preventing_premature_death, peaceful_death, enhancing_quality_of_life,\n"
            "            positive_experience_of_care, maximum_self_care_and_independence]\n"
            "  measures_held_in:",
        ),
        (
            "plain_english_summary: true",
            "plain_english_summary: true\n"
            "communications: {lead: apm, plan_due_months: 3, statement_notice_business_days: 2}\n"
            'branding: {name: "[name of the integrated service]", held_by: la}\n'
            "innovation: {local_change_limit_gbp: 25000, pilot_max_months: 12,\n"
            '             partners: ["[a local university]"]}',
        ),
        (
            "criteria: [shared_purpose_and_vision,",
            "criteria: [preventing_premature_death, peaceful_death, active_communication,\n"
            "           integrated_service_branding, local_autonomy, pioneering_innovation,\n"
            "           shared_purpose_and_vision,",
        ),
    )
    result = build(deal, tmp_path / "all.docx", workspace=workspace)
    assert [str(w) for w in result.warnings] == []
    titles = [c.title for c in result.plan.clauses]
    for title in (
        "Communications and engagement",
        "Joint identity and publicity",
        "Local autonomy and innovation",
    ):
        assert title in titles
    text = "\n".join(_text(result.output))
    assert "Preventing people from dying prematurely" in text
    assert "improving people's experience of care at the end of their lives" in text
    assert "reducing premature deaths from the major causes of death" in text
    assert "the Alliance Programme Manager co-ordinates communications" in text.replace(
        "The Alliance Programme Manager co-ordinates", "the Alliance Programme Manager co-ordinates"
    )
    assert "costs no more than £25,000 a year" in text
    assert "[Council] holds the Alliance Brand" in text


@pytest.fixture(scope="module")
def bank_check():
    """`assemble bank check --json` on the house bank, run once (it renders every example)."""
    import os

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(main, ["bank", "check", "--json"])
    finally:
        os.chdir(here)
    return json.loads(result.stdout)


@pytest.mark.slow
def test_bank_check_finds_every_criterion_covered(bank_check):
    # the check may still fail on other work in progress; the criteria part must be clean
    uncovered = [f["message"] for f in bank_check["findings"] if f["rule"] == "E-check-03"]
    assert uncovered == []


@pytest.mark.slow
def test_bank_check_builds_the_over_65s_example_with_every_version(bank_check):
    about_example = [
        f["message"] for f in bank_check["findings"] if "over-65s-alliance.yaml" in f["message"]
    ]
    assert about_example == []


# Leaving and ending the Alliance: the settlement duties name every clause under which amounts
# can be owed between the Parties, and clause 1.1(a) of "Ending the Alliance" follows the term
# option. Numbers are read from the built document's own headings and sub-clauses.

CASE_B = BANK / "examples" / "mh-rehab-alliance.yaml"

#: Headings of the clauses under which amounts can become owed between the Parties, in order.
MONEY_HEADINGS = [
    "Governance of the Alliance",  # the Alliance Programme Manager's cost is shared
    "Financial arrangements",
    "Sharing financial risk",
    "Reconciliation",
    "Using a Gain Pool",
    "Outcome payments",
    "Intellectual property",  # only where the deal shares income from Foreground IP
]


@pytest.fixture(scope="module")
def case_b(tmp_path_factory, workspace):
    """The case study B alliance agreement (risk share and outcome payments), built once."""
    out = tmp_path_factory.mktemp("case-b") / "mh-rehab-alliance.docx"
    result = build(CASE_B, out, workspace=workspace)
    return result, out.read_bytes()


def _clause_numbers(data: bytes) -> dict[str, str]:
    """Clause heading -> "clause N", counting the headings as the reader does."""
    return {title: f"clause {n}" for n, title in enumerate(clause_texts(data), start=1)}


def _subclause(data: bytes, heading: str, needle: str) -> str:
    """ "clause N.M" of the sub-clause of ``heading`` whose text contains ``needle``."""
    number, sub, current = 0, 0, None
    for style, text in paragraphs(data):
        if style == "ClauseHeading":
            number, sub, current = number + 1, 0, text
        elif style == "ScheduleHeading":
            current = None
        elif style == "Clause2" and current == heading:
            sub += 1
            if needle in text:
                return f"clause {number}.{sub}"
    raise AssertionError(f"no sub-clause of {heading!r} says {needle!r}")


def _line(data: bytes, heading: str, start: str) -> str:
    lines = [t for t in clause_texts(data)[heading].splitlines() if t.startswith(start)]
    assert len(lines) == 1, (heading, start, lines)
    return lines[0]


def _listed(references: list[str]) -> str:
    """["clause 9", "clause 15", "clause 24"] as a lawyer lists them: "clauses 9, 15 and 24"."""
    if len(references) == 1:
        return references[0]
    numbers = [r.removeprefix("clause ") for r in references]
    return "clauses " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def test_case_b_settlements_name_every_money_clause(case_b):
    result, data = case_b
    assert [str(w) for w in result.warnings] == []
    number = _clause_numbers(data)
    money = _listed([number[title] for title in MONEY_HEADINGS])
    assert money == "clauses 9, 15, 16, 18, 19, 20 and 24"
    leaving = _line(data, "Leaving the Alliance", "settle any amount")
    assert leaving == (
        f"settle any amount that it owes to, or is owed by, another Party under {money}, "
        "as calculated up to the date it leaves;"
    )
    ending = _line(data, "Ending the Alliance", "The exit plan must also provide for settling")
    assert ending == (
        "The exit plan must also provide for settling any amounts owed between the Parties "
        f"under {money} up to the date this Agreement ends."
    )
    # the reopener changes the Funding Envelope through the Service Contracts: not a settlement
    reopener = number["Reopening the Funding Envelope"].removeprefix("clause ")
    assert reopener not in re.findall(r"\d+", leaving)


def test_case_a_settlements_name_only_the_clauses_it_has(example):
    _, data = example
    number = _clause_numbers(data)
    for title in ("Sharing financial risk", "Outcome payments", "Using a Gain Pool"):
        assert title not in number
    money = _listed([number["Governance of the Alliance"], number["Financial arrangements"]])
    assert money == "clauses 9 and 15"
    leaving = _line(data, "Leaving the Alliance", "settle any amount")
    assert re.findall(r"\d+", leaving) == ["9", "15"]
    assert f"another Party under {money}, as calculated" in leaving
    ending = _line(data, "Ending the Alliance", "The exit plan must also provide for settling")
    assert re.findall(r"\d+", ending) == ["9", "15"]
    assert f"between the Parties under {money} up to" in ending


#: how a decision to end the Alliance takes effect (termination 1.4.0; the notice is a blank)
NOTICE = (
    ", on the date stated in a notice of that decision given to every Party at least [number] "
    "months before that date; or"
)


def _ending_items(data: bytes) -> list[str]:
    """The (a) to (d) items of "This Agreement ends:"."""
    lines = clause_texts(data)["Ending the Alliance"].splitlines()
    start = lines.index("This Agreement ends:") + 1
    end = next(i for i, t in enumerate(lines) if "must agree an exit plan" in t)
    return lines[start:end]


def _with_term(workspace, tmp_path, option: str, deal=EXAMPLE) -> bytes:
    out = tmp_path / f"{option}.docx"
    build(deal, out, workspace=workspace, choose={"term": option}, draft=True)
    return out.read_bytes()


def test_an_evergreen_agreement_ends_by_notice_not_at_the_end_of_a_term(workspace, tmp_path):
    data = _with_term(workspace, tmp_path, "evergreen-with-reviews")
    heading = "Commencement, duration and review"
    notice = _subclause(data, heading, "This Agreement then ends on the date stated in the notice")
    assert notice == "clause 4.5"
    items = _ending_items(data)
    assert items[0] == (
        f"on the date stated in a notice given under {notice}, after the Commissioners have "
        "decided, following a Review Point, to end the Alliance;"
    )
    assert not any("end of its term" in item or "Initial Term" in item for item in items)
    # that clause's notice period governs a decision to end: no second, immediate route
    assert items[1:] == [
        "if all the Parties agree in writing; or",
        "when no Service Contract remains in force.",
    ]


def test_a_fixed_term_agreement_ends_at_the_end_of_its_term(example, workspace, tmp_path):
    _, data = example
    heading = "Commencement, term and review"
    term = _subclause(data, heading, "This Agreement does not end when the Transition Period ends")
    items = _ending_items(data)
    assert items[0] == (
        f"at the end of its term under {term} or, if the Parties extend that term under "
        f"{_clause_numbers(data)[heading]}, at the end of the extension;"
    )
    reserved = _clause_numbers(data)["Commissioner reserved matters"]
    assert items[2] == (
        f"if the Commissioners decide to end the Alliance under {reserved}{NOTICE}"
    )  # never overnight: the term clause's notice applies to the reserved matter (E-exit-01)

    data = _with_term(workspace, tmp_path, "initial-with-review-points")
    heading = "Commencement, term and extension"
    initial = _subclause(data, heading, "(the Initial Term)")
    extension = _subclause(data, heading, "The Parties may extend the term of this Agreement")
    assert (initial, extension) == ("clause 4.2", "clause 4.5")
    assert _ending_items(data)[0] == (
        f"at the end of the Initial Term under {initial} or, if this Agreement has been extended "
        f"under {extension}, at the end of the last extension;"
    )


def test_ending_early_follows_the_deals_reserved_matters(workspace, tmp_path):
    deal = _variant(
        tmp_path,
        ("admission_of_parties, termination_of_alliance]", "admission_of_parties]"),
    )
    data = _with_term(workspace, tmp_path, "transition-then-review", deal)
    decisions = _clause_numbers(data)["Decision-making"]
    items = _ending_items(data)
    assert (
        items[2]
        == f"if the Parties decide to end the Alliance in accordance with {decisions}{NOTICE}"
    )
    assert not any("Commissioners decide" in item for item in items)
    data = _with_term(workspace, tmp_path, "evergreen-with-reviews", deal)
    assert "after the Parties have decided, following a Review Point" in _ending_items(data)[0]


def test_leaving_keeps_rights_that_arose_before_a_party_left(example):
    _, data = example
    text = clause_texts(data)["Leaving the Alliance"]
    assert text.splitlines()[-1] == (
        "Leaving the Alliance does not affect any right or obligation of the leaving Party, "
        "or of the other Parties, that arose before it left."
    )
