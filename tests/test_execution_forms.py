"""Execution blocks by legal form (law-by-date.md "Executing a deed"): each party executes a deed
the way its form allows, with printed names, witnesses and seals where the form needs them, and
signs an agreement by an authorised signatory."""

from __future__ import annotations

from pathlib import Path

import pytest

from assembler.api import build

from conftest import BANK, EXAMPLE
from reading import paragraphs

ORIGINAL = BANK / "examples" / "over-65s-alliance.yaml"
SIGNER = (
    'address: "[address]", signatory: "[signatory]", position: "[position]", change: continuing'
)
PARTIES = {
    "ccg": "kind: ccg, roles: [commissioner]",
    "icb": "kind: icb, roles: [commissioner]",
    "trust": "kind: nhs_trust, roles: [provider]",
    "ft": "kind: nhs_foundation_trust, roles: [provider]",
    "la": "kind: local_authority, roles: [commissioner, provider]",
    "co": 'kind: company, roles: [provider], registration: "123", witness: "W. Smith, 1 Road"',
    "cio": 'kind: charity, roles: [provider], legal_form: "a charitable incorporated organisation"',
    "unc": 'kind: charity, roles: [provider], legal_form: "an unincorporated charitable trust", '
    'witness: "W. Jones, 2 Road"',
    "chco": 'kind: charity, roles: [provider], legal_form: "a charitable company limited by '
    'guarantee", witness: "W. Brown, 3 Road"',
    "vcs": 'kind: third_sector, roles: [provider], legal_form: "[legal form]"',
    "gp": 'kind: gp_partnership, roles: [provider], partners: ["Dr A Patel", "Dr B Okafor", '
    '"Dr C Evans"]',
}


@pytest.fixture(scope="module")
def blocks(tmp_path_factory, workspace) -> dict[str, list[str]]:
    """Each party's execution block in a deed of variation dated 2023, by party id (no CCG: the
    law register refuses one after 30 June 2022)."""
    parties = {pid: kind for pid, kind in PARTIES.items() if pid != "ccg"}
    return _blocks(tmp_path_factory.mktemp("forms") / "deed.yaml", workspace, parties, "2023-04-01")


@pytest.fixture(scope="module")
def ccg_blocks(tmp_path_factory, workspace) -> dict[str, list[str]]:
    """A CCG's execution block, in a deed made while CCGs existed (before ICBs did)."""
    parties = {pid: kind for pid, kind in PARTIES.items() if pid != "icb"}
    return _blocks(tmp_path_factory.mktemp("ccg") / "deed.yaml", workspace, parties, "2022-04-01")


def _blocks(deal: Path, workspace, chosen: dict[str, str], date: str) -> dict[str, list[str]]:
    parties = "".join(
        f'  - {{id: {pid}, name: "[{pid.upper()}]", {kind}, {SIGNER}}}\n'
        for pid, kind in chosen.items()
    )
    deal.write_text(
        "deal_id: t\ndocument_type: deed_of_variation\ntitle: Deed of Variation No. 1\n"
        f"effective_date: {date}\noriginal: {{deal: {ORIGINAL.as_posix()}, date: 2017-04-01}}\n"
        'variation_power: variation\nreasons: ["The Parties wish to change the Agreement."]\n'
        "timing: prospective\nservices_change: false\nparties:\n"
        + parties
        + "amendments:\n  - {op: delete_clause_not_used, at: objectives}\n"
    )
    build(deal, deal.with_suffix(".docx"), workspace=workspace, draft=True)
    lines = [
        t for s, t in paragraphs(deal.with_suffix(".docx").read_bytes()) if s == "ExecutionBlock"
    ]
    found: dict[str, list[str]] = {}
    current = ""
    for line in lines:
        owner = next((pid for pid in chosen if f"[{pid.upper()}]" in line), None)
        if owner and owner != current and line.startswith(("Executed", "The common seal")):
            current = owner
        found.setdefault(current, []).append(line)
    return found


def test_nhs_bodies_seal_under_their_own_instrument_with_two_authenticating_signatories(blocks):
    assert "standing orders" in blocks["trust"][0]
    for body in ("ft", "icb"):
        assert "constitution" in blocks[body][0] and "standing orders" not in blocks[body][0]
    for body in ("trust", "ft", "icb"):
        assert blocks[body].count("(Seal)") == 1
        assert sum(line.startswith("Authorised signatory:") for line in blocks[body]) == 2
        assert "Name and position: [signatory], [position]" in blocks[body]


def test_a_ccg_sealed_under_its_own_schedule_while_it_existed(ccg_blocks):
    assert "paragraph 21 of Schedule 1A" in ccg_blocks["ccg"][0]


def test_a_local_authority_seals_and_an_officer_attests(blocks):
    assert blocks["la"][0].startswith("The common seal of [LA] was affixed")
    assert "(Seal)" in blocks["la"]
    assert "Name and position: [signatory], [position]" in blocks["la"]


def test_a_company_executes_by_a_director_before_a_witness_with_printed_names(blocks):
    assert "Companies Act 2006, section 44" in blocks["co"][0]
    assert "Name: [signatory]" in blocks["co"]
    assert "Witness name and address: W. Smith, 1 Road" in blocks["co"]


def test_a_charity_executes_by_its_legal_form(blocks):
    assert "Charities Act 2011, section 260" in blocks["cio"][0]
    assert sum(line.startswith("Charity trustee:") for line in blocks["cio"]) == 2
    assert "section 333" in blocks["unc"][0] and "trustees of [UNC]" in blocks["unc"][0]
    assert sum(line.startswith("Witness signature") for line in blocks["unc"]) == 2
    assert "Companies Act 2006, section 44" in blocks["chco"][0]
    # an unknown form is a blank for the drafter, not a guess
    assert blocks["vcs"][0].startswith(
        "Executed as a deed by [VCS], [legal form], in the way its legal form requires"
    )


def test_a_gp_partnership_executes_by_each_partner_named_in_the_deal(blocks):
    for partner in ("Dr A Patel", "Dr B Okafor", "Dr C Evans"):
        assert [line for line in blocks["gp"] if partner in line] == [
            f"Signed as a deed by {partner}, a partner: ......................................"
        ]
    assert sum(line.startswith("Witness name and address") for line in blocks["gp"]) == 3


def test_an_agreement_is_signed_not_executed_as_a_deed(tmp_path, workspace):
    result = build(EXAMPLE, tmp_path / "a.docx", workspace=workspace)
    lines = [t for s, t in paragraphs(result.output.read_bytes()) if s == "ExecutionBlock"]
    assert not [line for line in lines if "deed" in line.lower() or "(Seal)" in line]
    signed = [line for line in lines if line.startswith("Signed by")]
    assert len(signed) == 6 and all("for and on behalf of" in line for line in signed)
