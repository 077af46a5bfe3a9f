"""Money and risk that add up: every figure printed is computed from the deal, weightings add up,
and a Provider outside the risk share is named in no painshare."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from assembler.api import build
from assembler.cli.main import main

from conftest import BANK, position_of
from reading import clause_texts

CASE_B = BANK / "examples" / "mh-rehab-alliance.yaml"


def check(path) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", str(path), "--json"])
    return result.exit_code, json.loads(result.output)


def variant(tmp_path, *edits: tuple[str, str]):
    text = CASE_B.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "deal.yaml"
    path.write_text(text)
    return path, text


def outcome_clause(path, tmp_path, workspace) -> str:
    result = build(path, tmp_path / "deal.docx", workspace=workspace)
    texts = clause_texts(result.output.read_bytes())
    return next(t for heading, t in texts.items() if "Outcome payments" in heading)


@pytest.mark.parametrize("value", [12000000, 14000000, 9500000])
def test_the_outcome_payment_printed_is_its_percentage_of_the_contract_value(
    tmp_path, workspace, value
):
    path, _ = variant(tmp_path, ("year1_gbp: 12000000", f"year1_gbp: {value}"))
    text = outcome_clause(path, tmp_path, workspace)
    pct = int(re.search(r"payment of (\d+) per cent of the value", text).group(1))
    amounts = [int(a.replace(",", "")) for a in re.findall(r"£([\d,]+) in the first year", text)]
    assert amounts == [round(value * pct / 100)]


def test_a_typed_amount_that_does_not_add_up_is_an_error(tmp_path):
    path, text = variant(
        tmp_path,
        ("share_of_contract_value_pct: 1 ", "share_of_contract_value_pct: 1\n  value_gbp: 140000 "),
    )
    code, report = check(path)
    [error] = [e for e in report["findings"] if e["rule"] == "E-money-02"]
    assert code == 1 and "£120,000" in error["message"]
    assert error["line"] == int(position_of(text, "value_gbp: ^140000").split(":")[0])


def test_outcome_weightings_add_up_to_100(tmp_path):
    status = ('status: "[incentivised, or monitored only]"', "status: incentivised")
    edits = [status] * 4 + [
        ('weighting_pct: "[weighting]"', f"weighting_pct: {w}") for w in (30, 30, 20, 10)
    ]
    path, _ = variant(tmp_path, *edits)
    code, report = check(path)
    assert code == 1
    assert [e["rule"] for e in report["findings"]] == ["E-money-01"]
    assert "90" in report["findings"][0]["message"]
    edits[-1] = ('weighting_pct: "[weighting]"', "weighting_pct: 20")
    path, _ = variant(tmp_path, *edits)
    assert check(path)[0] == 0


def test_a_provider_outside_the_risk_share_pays_no_painshare(tmp_path, workspace):
    code, _ = check(CASE_B)
    assert code == 0
    text = outcome_clause(CASE_B, tmp_path, workspace)
    painshare = text.split("Only these Providers pay painshare")[1].split("\n\n")[0]
    listed = painshare.split("The Alliance Leadership Board")[0]
    assert "[Charity 1]" not in listed and "[Charity 2]" not in listed
    assert "[Council]: 50 per cent" in listed and "[Mental Health NHS FT]: 50 per cent" in listed
    assert "gainshare and painshare in these proportions" not in text


def test_painshare_shared_with_a_provider_outside_the_risk_share_is_an_error(tmp_path):
    path, text = variant(
        tmp_path,
        ("    - {party: la, pct: 50}\n    - {party: mh_ft, pct: 50}\n", ""),
        ("  painshare_split:\n", ""),
    )
    code, report = check(path)
    rules = [(e["rule"], e["line"]) for e in report["findings"]]
    line = int(position_of(text, "- {party: ^vcs1, pct: 10}").split(":")[0])
    assert code == 1 and ("E-money-03", line) in rules
