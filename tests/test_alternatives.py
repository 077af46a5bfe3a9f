"""Clause alternatives (term, intellectual property, liability), case study B's alliance agreement
with its risk share and outcome payments, and the drafting rules G3, G4, G7, G9, G11 and G12."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest

from assembler.api import build
from assembler.core.errors import AssemblerError
from assembler.deal.sheet import load_deal

from conftest import BANK, EXAMPLE, first_fast, position_of

CASE_B = BANK / "examples" / "mh-rehab-alliance.yaml"

#: choice -> option -> (clause id, words only that option's clause prints)
ALTERNATIVES = {
    "term": {
        "transition-then-review": (
            "term-transition-then-review",
            "The Transition Period starts on the Commencement Date",
        ),
        "evergreen-with-reviews": (
            "term-evergreen-with-reviews",
            "This Agreement has no fixed end date.",
        ),
        "initial-with-review-points": (
            "term-initial-with-review-points",
            "starting on the Commencement Date (the Initial Term)",
        ),
    },
    "intellectual_property": {
        "background-retained-foreground-licensed": (
            "ip-background-retained-foreground-licensed",
            "Foreground IP belongs to the Party that creates it.",
        ),
        "foreground-jointly-owned": (
            "ip-foreground-jointly-owned",
            "All the Parties own Foreground IP jointly, in equal shares.",
        ),
        "foreground-originator-owned": (
            "ip-foreground-originator-owned",
            "create it (the Originator)",
        ),
        "host-owned": ("ip-host-owned", "(the IP Host) owns Foreground IP"),
    },
    "liability": {
        "no-blame-with-carve-outs": (
            "liability-no-blame-with-carve-outs",
            "no Party may bring a claim against another Party under this Agreement about the "
            "performance of the Alliance",
        ),
        "proportionate-with-caps": (
            "liability-proportionate-with-caps",
            "No Party is jointly and severally liable with another Party for any loss.",
        ),
    },
}
CASES = [(key, option) for key, options in ALTERNATIVES.items() for option in options]


def text_of(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)


def clause_ids(result) -> set[str]:
    return {c.clause_id for c in result.plan.all_clauses() if c.clause_id}


@pytest.mark.parametrize(("key", "option"), CASES, ids=[f"{k}={o}" for k, o in CASES])
@pytest.mark.slow(keep_first=True)
def test_each_alternative_prints_its_own_text_and_no_other(key, option, workspace, tmp_path):
    """The case study A deal with one choice overridden (a draft, since the deal does not give
    the values an alternative it was not written for would need)."""
    out = tmp_path / f"{option}.docx"
    result = build(EXAMPLE, out, workspace=workspace, choose={key: option}, draft=True)
    text = text_of(out)
    chosen, words = ALTERNATIVES[key][option]
    assert chosen in clause_ids(result)
    assert words in text
    for other, (clause_id, other_words) in ALTERNATIVES[key].items():
        if other != option:
            assert clause_id not in clause_ids(result)
            assert other_words not in text, (option, other)


@pytest.mark.parametrize("option", first_fast(list(ALTERNATIVES["intellectual_property"])))
def test_every_ip_option_declares_what_is_not_shared(option, workspace, tmp_path):
    """000 Table 4: a clear declaration of where sharing is not wanted, from the deal's list, or
    a statement that nothing is excluded when the list is empty."""
    listed = build(
        CASE_B,
        tmp_path / "listed.docx",
        workspace=workspace,
        draft=True,
        choose={"intellectual_property": option},
    )
    assert listed.output.exists()
    text = text_of(tmp_path / "listed.docx")
    assert "The Parties do not intend to share the following" in text
    assert "[materials that a Party will not share under this Agreement" in text
    empty = tmp_path / "empty.yaml"
    deal = CASE_B.read_text(encoding="utf-8")
    listed_items = re.compile(r"  not_shared:.*\n(?:    - .*\n)*")
    assert listed_items.search(deal)
    empty.write_text(listed_items.sub("  not_shared: []\n", deal, count=1), encoding="utf-8")
    build(
        empty,
        tmp_path / "empty.docx",
        workspace=workspace,
        draft=True,
        choose={"intellectual_property": option},
    )
    assert "The Parties have not identified any materials that they do not intend to share." in (
        text_of(tmp_path / "empty.docx")
    )


@pytest.mark.parametrize("option", list(ALTERNATIVES["liability"]))
@pytest.mark.slow(keep_first=True)
def test_a_party_without_clinical_responsibility_works_with_either_liability_option(
    option, workspace, tmp_path
):
    deal = tmp_path / "deal.yaml"
    text = CASE_B.read_text(encoding="utf-8")
    assert "\nliability:" not in text
    deal.write_text(text + "liability: {non_clinical_parties: [vcs2]}\n", encoding="utf-8")
    result = build(
        deal, tmp_path / "b.docx", workspace=workspace, draft=True, choose={"liability": option}
    )
    printed = text_of(tmp_path / "b.docx")
    assert "non-clinical-parties" in clause_ids(result)
    assert "[Charity 2] takes part in the Alliance without any clinical responsibility" in printed
    assert "A Non-clinical Party does not provide, direct or supervise clinical care" in printed


@pytest.mark.slow
def test_case_b_builds_final_with_no_warnings(workspace, tmp_path, assert_valid):
    out = tmp_path / "mh-rehab-alliance.docx"
    result = build(CASE_B, out, workspace=workspace)
    assert [(w.rule, w.message) for w in result.warnings] == []
    assert_valid(out)
    ids = clause_ids(result)
    assert {"term-initial-with-review-points", "ip-foreground-jointly-owned"} <= ids
    assert "liability-no-blame-with-carve-outs" in ids
    for clause_id in (
        "risk-share",
        "envelope-reopener",
        "year-end-reconciliation",
        "gain-pool",
        "outcome-payments",
        "schedule-outcomes",
        "clinical-governance",
        "complaints",
    ):
        assert clause_id in ids
    text = text_of(out)
    assert "[Council] and [Mental Health NHS FT] (the Risk Sharing Parties)" in text
    reason = "because its constitution does not allow it to spend charitable funds on statutory"
    assert f"[Charity 1], {reason}" in text and f"[Charity 2], {reason}" in text
    assert "by 10 per cent or more" in text  # the reopener threshold, 001 ch8
    assert (
        "[CCG] takes part in the Alliance as a Commissioner and is not a Risk Sharing Party" in text
    )
    assert "50 per cent to the Commissioners" in text and "50 per cent to the Providers" in text
    assert "[Charity 1] and [Charity 2] are not Risk Sharing Parties" in text  # G28
    assert "must accept every referral to the Alliance Services" in text  # G26


# -- the drafting rules: one failing deal each, located at the value that breaks the rule ----------


def located(workspace, tmp_path, text: str, rule: str) -> list[str]:
    """Load the deal; return "line:col" of each diagnostic with ``rule`` (errors are raised)."""
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        deal = load_deal(path, workspace.bank.codes)
        found = list(deal.warnings)
    except AssemblerError as exc:
        found = exc.diagnostics
    return [f"{d.line}:{d.col}" for d in found if d.rule == rule]


def changed(old: str, new: str) -> str:
    text = CASE_B.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_case_b_breaks_no_rule(workspace, tmp_path):
    deal = load_deal(CASE_B, workspace.bank.codes)
    assert [d.rule for d in deal.warnings] == []


def test_g4_a_provider_in_a_risk_share_must_say_whether_it_shares(workspace, tmp_path):
    text = changed("roles: [provider],\n     shares_losses: true,  ", "roles: [provider],\n")
    where = position_of(text, "  - ^{id: mh_ft,")
    assert located(workspace, tmp_path, text, "E-rule-G4") == [where]


def test_g4_is_a_warning_while_the_deal_is_a_working_draft(workspace, tmp_path):
    text = changed("roles: [provider],\n     shares_losses: true,  ", "roles: [provider],\n")
    text = text.replace("status: draft_for_signature", "status: draft")
    where = position_of(text, "  - ^{id: mh_ft,")
    assert located(workspace, tmp_path, text, "W-rule-G4") == [where]
    assert located(workspace, tmp_path, text, "E-rule-G4") == []


def test_g3_a_provider_that_does_not_share_must_say_why(workspace, tmp_path):
    text = CASE_B.read_text(encoding="utf-8")
    first = text.index('     reason: "its constitution')
    text = text[:first] + text[text.index("\n", first) + 1 :]
    where = position_of(text, "shares_losses: ^false")  # [Charity 1], the first
    assert located(workspace, tmp_path, text, "E-rule-G3") == [where]


def test_g3_only_risk_sharing_parties_take_a_share_of_losses(workspace, tmp_path):
    text = changed(
        '    - {party: mh_ft, pct: "[share of an overspend]"}',
        '    - {party: vcs1, pct: "[share of an overspend]"}',
    )
    where = position_of(text, '    - {party: ^vcs1, pct: "[share of an overspend]"}')
    assert located(workspace, tmp_path, text, "E-rule-G3") == [where]


def test_g3_a_principles_only_risk_share_is_allowed_with_a_warning(workspace, tmp_path):
    text = changed("  basis: split  ", "  basis: principles_only  ")
    where = position_of(text, "  basis: ^principles_only")
    assert located(workspace, tmp_path, text, "W-rule-G3") == [where]


def test_g9_an_incentivised_outcome_needs_a_baseline(workspace, tmp_path):
    text = CASE_B.read_text(encoding="utf-8")
    first = text.index('      baseline: "[baseline]"')
    text = text[:first] + text[text.index("\n", first) + 1 :]
    where = position_of(text, "    - ^id: health")
    assert located(workspace, tmp_path, text, "E-rule-G9") == [where]


def test_g9_a_monitored_outcome_needs_no_baseline(workspace, tmp_path):
    text = CASE_B.read_text(encoding="utf-8")
    first = text.index('      baseline: "[baseline]"')
    text = text[:first] + text[text.index("\n", first) + 1 :]
    text = text.replace('status: "[incentivised, or monitored only]"', "status: monitor_only", 1)
    assert located(workspace, tmp_path, text, "E-rule-G9") == []


def test_g7_the_providers_shares_of_the_outcome_payment_add_up(workspace, tmp_path):
    text = changed("    - {party: vcs2, pct: 10}", "    - {party: vcs2, pct: 20}")
    where = position_of(text, "    ^- {party: la, pct: 40}")  # the list under provider_split
    assert located(workspace, tmp_path, text, "E-rule-G7") == [where]


def test_g11_an_envelope_reopener_needs_a_threshold(workspace, tmp_path):
    text = changed(
        '    threshold_pct: 10                               # src: 001 ch8 ("by 10% or more")\n',
        "",
    )
    where = position_of(text, "  envelope_reopener:\n    ^measured_over")
    assert located(workspace, tmp_path, text, "E-rule-G11") == [where]


def test_g12_the_gain_pool_remainder_is_split_in_full(workspace, tmp_path):
    text = changed("      providers_pct: 50", "      providers_pct: 40")
    where = position_of(
        text,
        "    remainder:                                      # src: 001 ch8\n"
        "      ^commissioners_pct: 50",
    )
    assert located(workspace, tmp_path, text, "E-rule-G12") == [where]
