"""Money and risk that add up: every figure printed is computed from the deal, weightings add up,
and a Provider outside the risk share is named in no painshare."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from assembler.api import build
from assembler.cli.main import main

from conftest import BANK, position_of, without_key
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
@pytest.mark.slow(keep_first=True)
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


@pytest.mark.slow
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


# -- caps, the Commissioners' gain split, participation, a settlement no one Party blocks -------

CAPS = (
    '    - {party: la, cap_gbp: "[the most the Council pays towards overspends in a Financial Year]"}\n'
    '    - {party: mh_ft, cap_gbp: "[the most the FT pays towards overspends in a Financial Year]"}\n'
)
SPLIT = '        - {party: ccg, pct: "[share]"}\n        - {party: la, pct: "[share]"}\n'
EXPERT = '    expert_appointed_by: "[the person or body that appoints the expert'
BOTH = "    - {party: la, cap_gbp: 1, uncapped: true}\n    - {party: mh_ft, uncapped: false}\n"
VCS1 = 'vcs1, name: "[Charity 1]", kind: charity, roles: [provider],'


def findings(path) -> tuple[int, list[tuple[str, int]]]:
    code, report = check(path)
    return code, [(f["rule"], f["line"]) for f in report["findings"]]


def line_of(text: str, needle: str) -> int:
    return int(position_of(text, needle).split(":")[0])


def clause(path, tmp_path, workspace, title: str) -> str:
    result = build(path, tmp_path / "deal.docx", workspace=workspace)
    texts = clause_texts(result.output.read_bytes())
    return next(t for heading, t in texts.items() if title in heading)


@pytest.mark.parametrize(
    ("edit", "rule", "where"),
    [
        ("caps", "E-money-04", "risk_share:\n^"),
        (
            (CAPS, CAPS.replace("party: mh_ft", "party: vcs1")),
            "E-money-04",
            "^    - {party: la, cap_gbp",
        ),
        ((CAPS, CAPS.replace("party: mh_ft", "party: vcs1")), "E-money-07", "{party: ^vcs1, cap"),
        ((CAPS, BOTH), "E-money-04", "    - ^{party: la, cap_gbp: 1"),
        ((CAPS, BOTH), "E-money-04", "    - ^{party: mh_ft, uncapped"),
        ("commissioners_split", "E-money-05", "      ^commissioners_pct: 50"),
        (
            (SPLIT, SPLIT.replace("party: la", "party: mh_ft")),
            "E-money-05",
            '{party: ^mh_ft, pct: "[share]"',
        ),
        (
            (SPLIT, "        - {party: ccg, pct: 60}\n        - {party: la, pct: 30}\n"),
            "E-money-05",
            "        - ^{party: ccg, pct: 60}",
        ),
        ((EXPERT, "    #"), "E-money-08", "    ^method: expert_determination"),
        (
            (VCS1, VCS1 + " shares_gains: false,"),
            "E-money-07",
            "- {party: ^vcs1, pct: 10}",
        ),
    ],
)
def test_each_money_rule_fires_at_its_place(tmp_path, edit, rule, where):
    """``edit`` is an (old, new) replacement or a key whose block goes."""
    if isinstance(edit, str):
        path, text = tmp_path / "deal.yaml", without_key(CASE_B.read_text(), edit)
        path.write_text(text)
    else:
        path, text = variant(tmp_path, edit)
    code, found = findings(path)
    assert code == 1 and (rule, line_of(text, where)) in found, found


@pytest.mark.slow
def test_a_settlement_any_one_party_can_block_is_an_error_unless_a_majority_decides(tmp_path):
    path = tmp_path / "deal.yaml"
    text = without_key(CASE_B.read_text(), "settlement_fallback")
    path.write_text(text)
    code, found = findings(path)
    assert code == 1 and ("E-money-08", line_of(text, "risk_share:\n^")) in found
    path.write_text(
        text.replace(
            "decision_rule: unanimous_only",
            'decision_rule: unanimous_then_majority_if_decision_required\n  majority_vote: {threshold: simple_majority_of_members, need_decided_by: "the chair"}',
        )
    )
    assert "E-money-08" not in {rule for rule, _ in findings(path)[1]}
    path.write_text(text.replace("status: draft_for_signature", "status: draft"))
    code, found = findings(path)
    assert code == 0 and "W-money-08" in {rule for rule, _ in found}


@pytest.mark.parametrize(
    ("key", "rule", "where"),
    [
        ("caps", "W-money-04", "risk_share:\n^"),
        ("commissioners_split", "W-money-06", "      ^commissioners_pct: 50"),
    ],
)
@pytest.mark.slow(keep_first=True)
def test_in_a_draft_deal_a_missing_cap_or_commissioners_split_is_a_warning(
    tmp_path, key, rule, where
):
    path = tmp_path / "deal.yaml"
    text = without_key(CASE_B.read_text(), key).replace(
        "status: draft_for_signature", "status: draft"
    )
    path.write_text(text)
    code, found = findings(path)
    assert code == 0 and (rule, line_of(text, where)) in found, found
    assert not {r for r, _ in found} & {"E-money-04", "E-money-05"}


def test_an_uncapped_share_is_a_choice_that_is_warned(tmp_path):
    path, text = variant(
        tmp_path,
        (
            CAPS,
            CAPS.replace(
                'cap_gbp: "[the most the FT pays towards overspends in a Financial Year]"',
                "uncapped: true",
            ),
        ),
    )
    code, found = findings(path)
    assert code == 0 and found == [("W-money-05", line_of(text, "{party: mh_ft, ^uncapped"))]


@pytest.mark.parametrize(("la", "ft"), [(600000, 400000), (250000, 1250000)])
@pytest.mark.slow(keep_first=True)
def test_the_caps_and_their_total_printed_are_the_deal_s(tmp_path, workspace, la, ft):
    caps = f"    - {{party: la, cap_gbp: {la}}}\n    - {{party: mh_ft, cap_gbp: {ft}}}\n"
    path, _ = variant(tmp_path, (CAPS, caps))
    text = clause(path, tmp_path, workspace, "Sharing financial risk")
    assert f"[Council]: £{la:,}; and" in text and f"[Mental Health NHS FT]: £{ft:,}." in text
    [total] = re.findall(r"above the total of the caps \(£([\d,]+)\)", text)
    assert int(total.replace(",", "")) == la + ft


@pytest.mark.parametrize(
    ("commissioners", "ccg", "la"), [(50, 60, 40), (40, 75, 25), (30, 50, 50), (50, 62.5, 37.5)]
)
@pytest.mark.slow(keep_first=True)
def test_the_commissioners_gain_shares_printed_are_computed(
    tmp_path, workspace, commissioners, ccg, la
):
    path, _ = variant(
        tmp_path,
        (SPLIT, f"        - {{party: ccg, pct: {ccg}}}\n        - {{party: la, pct: {la}}}\n"),
        ("commissioners_pct: 50", f"commissioners_pct: {commissioners}"),
        ("providers_pct: 50", f"providers_pct: {100 - commissioners}"),
    )
    text = clause(path, tmp_path, workspace, "Using a Gain Pool")
    printed = dict(
        (name, float(pct))
        for pct, name in re.findall(r"([\d.]+) per cent of the amount goes to (\[[^\]]+\])", text)
    )
    assert printed == {"[CCG]": commissioners * ccg / 100, "[Council]": commissioners * la / 100}
    assert f"{commissioners} per cent to the Commissioners" in text
    assert f"{100 - commissioners} per cent to the Providers" in text


@pytest.mark.slow
def test_a_party_outside_gains_is_named_in_no_gain_share(tmp_path, workspace):
    path, _ = variant(
        tmp_path,
        (VCS1, VCS1 + " shares_gains: false,"),
        (
            "    - {party: la, pct: 40}\n    - {party: mh_ft, pct: 40}\n    - {party: vcs1, pct: 10}\n",
            "    - {party: la, pct: 45}\n    - {party: mh_ft, pct: 45}\n",
        ),
    )
    assert check(path)[0] == 0
    text = clause(path, tmp_path, workspace, "Using a Gain Pool")
    assert "50 per cent to [Council], [Mental Health NHS FT] and [Charity 2]" in text
    assert "[Charity 1]" not in text


def test_a_party_outside_the_loss_share_is_in_no_loss_allocating_clause(tmp_path, workspace):
    result = build(CASE_B, tmp_path / "deal.docx", workspace=workspace)
    texts = clause_texts(result.output.read_bytes())
    risk = next(t for h, t in texts.items() if "Sharing financial risk" in h)
    reconciliation = next(t for h, t in texts.items() if "Reconciliation" in h)
    outcome = next(t for h, t in texts.items() if "Outcome payments" in h)
    allocating = [
        risk.split("in these proportions:")[1].split("A Risk Sharing Party that has")[0],
        reconciliation.split("in this order:")[1].split("[Charity 1] and [Charity 2] are not")[0],
        outcome.split("Only these Providers pay painshare")[1].split("\n\n")[0],
    ]
    assert "[Council]" in allocating[0] and "clause" in allocating[1]
    assert all("[Charity" not in text for text in allocating), allocating


def test_a_settlement_by_majority_is_printed(tmp_path, workspace):
    path, _ = variant(
        tmp_path,
        (
            "    method: expert_determination\n",
            "    method: majority\n    threshold: two_thirds_of_members\n",
        ),
    )
    text = clause(path, tmp_path, workspace, "Reconciliation")
    assert "by a majority of at least two thirds of all the members" in text
    assert "whether or not every Party agrees" in text and "expert" not in text
