"""The seeds' drafting guidance as deal-sheet rules: for each rule a small change to the example
that triggers it (at the right line), while the example itself passes every rule."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from assembler.cli.main import main

from conftest import BANK, EXAMPLE, edited, position_of, without_key


def check(path) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", str(path), "--json"])
    return result.exit_code, json.loads(result.output)


@pytest.mark.slow  # checks every example whole
def test_the_examples_pass_every_rule():

    for example in sorted((BANK / "examples").glob("*.yaml")):
        code, report = check(example)
        assert code == 0 and report.get("findings") == [], (example.name, report)


CASES = [
    # (rule, old, new, the place the finding points at: ^ marks it)
    (
        "E-rule-G1",
        "precedence: [service_contract, alliance_agreement]",
        "precedence: [alliance_agreement, service_contract]",
        "^precedence: [alliance",
    ),
    ("E-rule-G5", "  deferred_mechanism_owner: alb\n", "", "    - ^{mechanism: outcome_based"),
    ("W-rule-G6", "stress_tested: true", "stress_tested: false", "^  jointly_developed: true"),
    ("W-rule-G10", "  W-rule-G10: >-", "  W-rule-G99: >-", 'cohort: ^"people aged 65'),
    ("W-rule-G13", "  W-rule-G13: >-", "  W-rule-G98: >-", "transitioned_from: ^la_standard_terms"),
    ("W-rule-G14", "participation_funding: true,", "", "^  - {id: vcs,"),
    (
        "W-rule-G17",
        "decision_rule: unanimous_then_majority_if_decision_required",
        "decision_rule: unanimous_only",
        "decision_rule: ^unanimous_only",
    ),
]


@pytest.mark.parametrize(("rule", "old", "new", "where"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.slow(keep_first=True)
def test_each_rule_fires_at_its_place(tmp_path, rule, old, new, where):
    deal = edited(tmp_path, (old, new))
    changed = deal.read_text()
    code, report = check(deal)
    findings = report.get("findings", []) + report.get("errors", [])
    line = int(position_of(changed, where).split(":")[0])
    assert (rule, line) in {(f["rule"], f.get("line")) for f in findings}, findings
    if rule.startswith("E-"):
        assert code == 1
    else:  # a warning fails nothing; taking a value away may leave a clause missing it
        errors = {f["rule"] for f in findings if f["rule"].startswith("E-")}
        assert errors <= {"E-miss-01"} and code == (1 if errors else 0), findings


@pytest.mark.parametrize(
    ("cohort", "carve_out"),
    [
        ("adults aged 18 and over living in the area of [Council]", False),
        ("adults over 18 registered with a practice in the area", False),
        ("people aged 65 and over living in the area of [Council]", True),
        ("people aged 18 to 64 living in the area of [Council]", True),
        ("residents of the under-65s wards", True),
    ],
)
@pytest.mark.slow(keep_first=True)
def test_g10_tells_an_adult_service_from_an_age_carve_out(tmp_path, cohort, carve_out):
    old = 'cohort: "people aged 65 and over living in the area of [Council]"'
    deal = edited(tmp_path, (old, f'cohort: "{cohort}"'), ("  W-rule-G10: >-", "  W-x-G99: >-"))
    code, report = check(deal)
    assert code == 0
    assert ("W-rule-G10" in {f["rule"] for f in report.get("findings", [])}) is carve_out


CASE_B = EXAMPLE.parent / "mh-rehab-alliance.yaml"


INCENTIVISED = ('status: "[incentivised, or monitored only]"', "status: incentivised")
GUIDANCE = [
    # (rule, the base deal, edits: (old, new) or a key whose block goes, where it points: ^)
    (
        "E-rule-G8",
        CASE_B,
        [INCENTIVISED, (", data_collection_justified]", "]")],
        "^selection_tests: [helps",
    ),
    (
        "E-rule-G15",
        EXAMPLE,
        ["conflicts_of_interest"],
        '  - {id: la, name: "[Council]", kind: local_authority, roles: ^[commissioner, provider]',
    ),
    ("W-rule-G20", CASE_B, ["meeting_frequency"], "governance:\n^  bodies:"),
    (
        "W-rule-G21",
        CASE_B,
        # the gain pool is what covers local autonomy (001 ch8: underspends expand services)
        ["envelope_reopener", "year_end_reconciliation", "gain_pool", (" local_autonomy,", "")],
        "risk_share:\n^",
    ),
    (
        "W-rule-G24",
        CASE_B,
        [
            ("year1_gbp: 12000000", "year1_gbp: 150000000"),
            ("basis: split ", "basis: principles_only "),
        ],
        "risk_share:\n^",
    ),
    ("W-rule-G27", CASE_B, ["envelope_reopener"], "risk_share:\n^"),
    ("W-rule-G28", CASE_B, ["year_end_reconciliation"], "risk_share:\n^"),
]


@pytest.mark.parametrize(("rule", "base", "edits", "where"), GUIDANCE, ids=[g[0] for g in GUIDANCE])
@pytest.mark.slow(keep_first=True)
def test_more_of_the_seeds_guidance_fires_at_its_place(tmp_path, rule, base, edits, where):
    text = base.read_text()
    for edit in edits:
        if isinstance(edit, str):
            text = without_key(text, edit)
        else:
            assert edit[0] in text, edit
            text = text.replace(*edit)
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    code, report = check(deal)
    findings = report.get("findings", []) + report.get("errors", [])
    line = int(position_of(text, where).split(":")[0])
    assert (rule, line) in {(f["rule"], f.get("line")) for f in findings}, findings
    if rule.startswith("E-"):
        assert code == 1
    else:  # a warning fails nothing; taking a value away may leave a clause missing it
        errors = {f["rule"] for f in findings if f["rule"].startswith("E-")}
        assert errors <= {"E-miss-01"} and code == (1 if errors else 0), findings


def test_at_least_24_of_the_seeds_guidance_points_are_rules_citing_their_seed():
    from assembler.checks.rules import catalogue

    guided = {}
    for rule in catalogue():
        number = re.search(r"-G(\d+)$", rule.id)
        if number:
            assert re.search(r"seed 00\d", rule.source), rule
            guided[int(number.group(1))] = rule
    assert len(guided) >= 24, sorted(guided)


def test_a_party_s_own_internal_arrangement_is_not_a_service_contract(tmp_path, workspace):
    from assembler.api import build

    from reading import paragraphs

    text = EXAMPLE.read_text()
    deal = edited(
        tmp_path,
        ("commissioner: la, provider: la, internal: true}", "commissioner: la, provider: la}"),
    )
    code, report = check(deal)
    line = int(position_of(text, "commissioner: la, provider: ^la, internal").split(":")[0])
    assert code == 1 and ("E-sc-01", line) in {(e["rule"], e["line"]) for e in report["findings"]}
    printed = [
        t
        for _, t in paragraphs(
            build(EXAMPLE, tmp_path / "a.docx", workspace=workspace).output.read_bytes()
        )
    ]
    listed = printed[printed.index("The Service Contracts are:") + 1 :]
    contracts = listed[: next(i for i, t in enumerate(listed) if t.endswith(".")) + 1]
    assert not any("[Council] (as commissioner) and [Council]" in t for t in contracts)
    assert any("not a contract and not a Service Contract" in t for t in printed)


NOTICE = 'end_notice_months: "[number]"'
WITHIN = 'agreed_within_months: "[number]"'


@pytest.mark.parametrize(
    ("edits", "rule", "where"),
    [
        ([(NOTICE, "")], "E-exit-01", "reserved_matters: ^[further"),
        ([(WITHIN, "")], "E-exit-01", "reserved_matters: ^[further"),
        (
            [(NOTICE, "end_notice_months: 6"), (WITHIN, "agreed_within_months: 6")],
            "E-exit-02",
            "^agreed_within_months: 6",
        ),
        (
            [(NOTICE, "end_notice_months: 3"), (WITHIN, "agreed_within_months: 9")],
            "E-exit-02",
            "^agreed_within_months: 9",
        ),
    ],
)
def test_ending_the_alliance_as_a_reserved_matter_needs_notice_and_an_exit_plan_within_it(
    tmp_path, edits, rule, where
):
    text = EXAMPLE.read_text()
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    code, report = check(deal)
    line = int(position_of(text, where).split(":")[0])
    assert code == 1 and (rule, line) in {(f["rule"], f["line"]) for f in report["findings"]}


def test_the_termination_clause_prints_the_notice_and_the_exit_plan_timetable(tmp_path, workspace):
    from assembler.api import build

    from reading import clause_texts

    text = (
        EXAMPLE.read_text()
        .replace(NOTICE, "end_notice_months: 12")
        .replace(WITHIN, "agreed_within_months: 6")
    )
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    assert check(deal)[0] == 0
    result = build(deal, tmp_path / "deal.docx", workspace=workspace)
    ending = next(
        t for h, t in clause_texts(result.output.read_bytes()).items() if "Ending the Alliance" in h
    )
    assert "the Commissioners decide to end the Alliance under clause" in ending
    assert "given to every Party at least 12 months before that date" in ending
    assert "Within 6 months after a notice to end this Agreement is given" in ending
