"""`bank check` as a CSU's CI gate: every fragment read statically, outlines, examples."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from assembler.bank.authoring import fragment_from_draft
from assembler.bank.clausebank import ClauseBank
from assembler.bank.ops import bump, check_bank
from assembler.cli.main import main
from assembler.deal.types import bank_types

from conftest import BANK, bank_cli

HOUSE_STYLE = BANK / "templates" / "house-style.docx"


def static_findings(folder):
    """``bank check`` without the example builds (each reported as not built, and dropped)."""
    result = check_bank(
        ClauseBank.load(folder),
        folder / "templates",
        lambda trials: [[] for _ in trials],
        {name: kind.schema for name, kind in bank_types(folder).items()},
    )
    return result.findings


def _draft_version(folder, clause_id, text):
    """A new draft version of a clause, holding ``text``."""
    version = bump(ClauseBank.load(folder), clause_id, "minor")
    path = folder / "clauses" / clause_id / f"{version}.docx"
    path.write_bytes(fragment_from_draft(text, HOUSE_STYLE))
    return version


@pytest.mark.slow  # reads every version of every clause of a bank
def test_the_house_bank_is_clean_statically():
    assert [f for f in static_findings(BANK) if f.rule != "W-check-01"] == []


@pytest.mark.slow  # reads every version of every clause of a bank
def test_an_unclosed_if_is_named_by_clause_version_and_paragraph(bank):
    version = _draft_version(
        bank,
        "relationship",
        "1.1 Nothing here creates a partnership.\n{% if deal.term %}\n1.1 The term applies.",
    )
    found = [f for f in static_findings(bank) if f.rule == "E-check-09"]
    assert len(found) == 1
    assert found[0].message.startswith(f"relationship@{version}, paragraph 2:")
    assert found[0].file.endswith(f"relationship/{version}.docx")


@pytest.mark.slow  # reads every version of every clause of a bank
def test_a_ref_to_a_clause_or_label_that_does_not_exist(bank):
    _draft_version(
        bank, "relationship", "1.1 See {{ ref('no-such-clause') }} and {{ ref('scope.nowhere') }}."
    )
    found = {f.message for f in static_findings(bank) if f.rule == "E-check-10"}
    assert any("no-such-clause" in m for m in found) and any("scope.nowhere" in m for m in found)


@pytest.mark.slow  # reads every version of every clause of a bank
def test_a_deal_name_the_schema_does_not_define(bank):
    _draft_version(bank, "relationship", "1.1 The cohort is {{ deal.populaton.cohort }}.")
    found = [f for f in static_findings(bank) if f.rule == "E-check-11"]
    assert len(found) == 1 and "deal.populaton.cohort" in found[0].message


@pytest.mark.slow  # reads every version of every clause of a bank
def test_an_outline_needs_an_approved_version(bank):
    meta = bank / "clauses" / "relationship" / "clause.yaml"
    text = meta.read_text()
    meta.write_text(text.replace("status: approved", "status: draft"))
    found = [f for f in static_findings(bank) if f.rule == "E-check-07"]
    assert any("relationship" in f.message and "no approved version" in f.message for f in found)


@pytest.mark.slow  # reads every version of every clause of a bank
def test_no_examples_is_an_error(bank):
    shutil.rmtree(bank / "examples")
    found = [f for f in static_findings(bank) if f.rule == "E-check-08"]
    assert found and found[0].severity == "error"


@pytest.mark.slow  # reads every version of every clause of a bank
def test_an_approved_clause_no_outline_places_is_a_warning(bank):
    stray = bank / "clauses" / "stray"
    shutil.copytree(bank / "clauses" / "relationship", stray)
    meta = stray / "clause.yaml"
    meta.write_text(meta.read_text().replace("id: relationship", "id: stray"))
    found = [f for f in static_findings(bank) if f.rule == "W-check-01"]
    assert [f.severity for f in found if "stray" in f.message] == ["warning"]


def test_an_unknown_ignore_is_a_usage_error(bank):
    result = CliRunner().invoke(
        main, ["bank", "check", "--bank", str(bank), "--ignore", "E-chek-04"]
    )
    assert result.exit_code == 2
    assert "unknown rule id 'E-chek-04'; did you mean 'E-check-04'? (see" in result.output


def test_rules_and_check_print_one_json_shape_on_stdout(tmp_path):
    runner = CliRunner()
    rules = runner.invoke(main, ["rules", "--json"])
    body = json.loads(rules.stdout)
    assert body["schema_version"] == 1 and body["command"] == "rules" and body["ok"] is True
    assert any(r["id"] == "E-crit-01" for r in body["rules"])
    listed = json.loads(runner.invoke(main, ["bank", "list", "--json"]).stdout)
    assert listed["schema_version"] == 1 and listed["command"] == "bank list"
    assert {"id", "title", "versions"} <= set(listed["clauses"][0])
    assert "approved_by" in listed["clauses"][0]["versions"][0]


def test_build_json_lists_what_was_written_and_every_missing_key(tmp_path):
    from conftest import EXAMPLE

    deal = tmp_path / "gap.yaml"
    text = EXAMPLE.read_text()
    gap = text.replace(
        "change_flow: som_first_then_contract_variation,   # src: 001 ch7",
        "change_flow: som_first_then_contract_variation}",
    ).replace(
        '                            approved_by: "[the Alliance Leadership Board or the Alliance Management Board]"}   # placeholder\n',
        "",
    )
    assert gap != text
    deal.write_text(gap)
    result = CliRunner().invoke(
        main, ["build", str(deal), "--draft", "-o", str(tmp_path / "x.docx"), "--json"]
    )
    body = json.loads(result.stdout)
    assert body["schema_version"] == 1 and body["command"] == "build" and body["ok"] is True
    assert body["output"] == str(tmp_path / "x.docx") and body["draft"] is True
    assert "deal.service_operations_manual.approved_by" in {m["key"] for m in body["missing"]}
    refused = CliRunner().invoke(
        main, ["build", str(deal), "-o", str(tmp_path / "y.docx"), "--json"]
    )
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["findings"][0]["rule"] == "E-miss-01"


def test_reports_go_to_stdout_and_a_missing_argument_is_a_usage_error(tmp_path):
    table = tmp_path / "rules.txt"
    done = subprocess.run(
        [sys.executable, "-m", "assembler", "rules"], capture_output=True, text=True, check=True
    )
    table.write_text(done.stdout)
    assert "E-crit-01" in table.read_text() and "E-crit-01" not in done.stderr
    assert CliRunner().invoke(main, ["build", "-o", str(tmp_path / "x.docx")]).exit_code == 2


def test_the_gate_builds_each_example_then_every_other_version_it_could_pin():
    """Unit level, no builds: the gate's own plan of trials and how it reports a failed one."""
    from dataclasses import replace

    from assembler.core.errors import Diagnostic

    house = ClauseBank.load(BANK)
    bank = replace(house, clauses={"notices": house.clause("notices")})
    asked = []

    def run(trials):
        asked.append(trials)
        if len(asked) == 1:  # the examples as written: each used notices 1.1.0
            return [{"notices": "1.1.0"} for _ in trials]
        missing = Diagnostic("E-miss-01", "a value only another version reads")
        return [[Diagnostic("E-tmpl-04", "notices broke"), missing] for _ in trials]

    result = check_bank(bank, BANK / "templates", run, {})
    examples = sorted((BANK / "examples").glob("*.yaml"))
    assert [trial[0] for trial in asked[0]] == examples
    # 0.9.0 is retired: only 1.0.0 is built again, once for each example, as a final build
    assert asked[1] == [(example, {"notices": "1.0.0"}, None, False) for example in examples]
    failed = [f.message for f in result.findings if f.rule == "E-check-04"]
    assert len(failed) == len(examples)  # E-miss-01 is not the example's to give
    assert failed[0] == (
        f"example {examples[0].name} with {{'notices': '1.0.0'}} does not build: "
        "E-tmpl-04 notices broke"
    )
    assert result.checked["other versions rendered"] == len(examples)


def test_a_version_listed_twice_in_clause_yaml_is_a_located_error(bank):
    """A merge can leave a version's entry twice: which one is read would then be a matter of
    order, so loading the bank refuses it at the second entry's line."""
    meta = bank / "clauses" / "relationship" / "clause.yaml"
    lines = meta.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("- {version: 1.0.0"))
    meta.write_text("".join([*lines[: at + 1], lines[at], *lines[at + 1 :]]), encoding="utf-8")
    result = bank_cli(bank, "check")
    assert result.exit_code == 1
    assert f"relationship/clause.yaml:{at + 2}:5: error E-bank-09: version 1.0.0 is listed " in (
        result.output
    )
