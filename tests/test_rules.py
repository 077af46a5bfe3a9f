"""The seeds' drafting guidance as deal-sheet rules: for each rule a small change to the example
that triggers it (at the right line), while the example itself passes every rule."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assembler.cli import main

from conftest import EXAMPLE, position_of


def check(path) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", str(path), "--json"])
    return result.exit_code, json.loads(result.output)


def test_the_examples_pass_every_rule():
    from conftest import ROOT

    for example in sorted((ROOT / "examples").glob("*.yaml")):
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
def test_each_rule_fires_at_its_place(tmp_path, rule, old, new, where):
    text = EXAMPLE.read_text()
    assert old in text
    changed = text.replace(old, new, 1)
    deal = tmp_path / "deal.yaml"
    deal.write_text(changed)
    code, report = check(deal)
    findings = report.get("findings", []) + report.get("errors", [])
    line = int(position_of(changed, where).split(":")[0])
    assert (rule, line) in {(f["rule"], f.get("line")) for f in findings}, findings
    assert code == (1 if rule.startswith("E-") else 0)


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
def test_g10_tells_an_adult_service_from_an_age_carve_out(tmp_path, cohort, carve_out):
    text = EXAMPLE.read_text()
    old = 'cohort: "people aged 65 and over living in the area of [Council]"'
    assert old in text
    changed = text.replace(old, f'cohort: "{cohort}"').replace("  W-rule-G10: >-", "  W-x-G99: >-")
    deal = tmp_path / "deal.yaml"
    deal.write_text(changed)
    code, report = check(deal)
    assert code == 0
    assert ("W-rule-G10" in {f["rule"] for f in report.get("findings", [])}) is carve_out
