"""The deal's names flow everywhere (issue 16): a board or officer the deal names is used in the
definitions, the key information and the schedules, and `bank check` flags a clause that writes
such a name as a literal."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_bank_gate import static_findings

from assembler.api import build
from assembler.bank.authoring import fragment_from_draft
from assembler.bank.clausebank import ClauseBank
from assembler.bank.ops import bump

from conftest import BANK, EXAMPLE, copy_bank
from reading import paragraphs

RENAMED = {
    '{id: alb, name: "Alliance Leadership Board"': '{id: alb, name: "Health and Care Partnership Board"',
    '{id: amb, name: "Alliance Management Board"': '{id: amb, name: "Operational Delivery Group"',
    '{id: apm, name: "Alliance Programme Manager"': '{id: apm, name: "Alliance Director"',
}


def test_a_board_and_officer_the_deal_names_are_used_everywhere(tmp_path, workspace, assert_valid):
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in RENAMED.items():
        assert old in text
        text = text.replace(old, new)
    deal = tmp_path / "deal.yaml"
    deal.write_text(text, encoding="utf-8")
    out = tmp_path / "deal.docx"
    build(deal, out, workspace=workspace)
    assert_valid(out)
    built = list(paragraphs(out.read_bytes()))
    body = "\n".join(t for _, t in built)
    for bank_name in (
        "Alliance Leadership Board",
        "Alliance Management Board",
        "Alliance Programme Manager",
    ):
        leftovers = [t for _, t in built if bank_name in t and "[" not in t]
        assert leftovers == [], bank_name
    definitions = [t for s, t in built if s == "Definition"]
    assert any(
        t.startswith("“Health and Care Partnership Board” means the strategic board")
        for t in definitions
    )
    assert any(t.startswith("“Alliance Director” means the person appointed") for t in definitions)
    assert any(
        t.startswith("“Operational Delivery Group” means the operational board")
        for t in definitions
    )
    assert body.count("Health and Care Partnership Board") > 20


@pytest.mark.slow
def test_bank_check_flags_a_clause_that_writes_a_name_the_deal_gives(tmp_path):
    folder = copy_bank(tmp_path)
    version = bump(ClauseBank.load(folder), "relationship", "minor")
    draft = "1.1 The Parties work together.\n1.1 The Alliance Leadership Board meets.\n"
    path: Path = folder / "clauses" / "relationship" / f"{version}.docx"
    path.write_bytes(fragment_from_draft(draft, folder / "templates" / "house-style.docx"))
    found = [f for f in static_findings(folder) if f.rule == "W-check-12"]
    assert found
    assert all(f.severity == "warning" for f in found)
    messages = {f.message for f in found}
    assert (
        f"relationship@{version}, paragraph 2: writes 'Alliance Leadership Board', which the deal names (governance.bodies[0].name in mh-rehab-alliance.yaml)"
        in messages
    )
    assert all(Path(f.file) == path for f in found)


@pytest.mark.slow
def test_the_house_bank_writes_no_name_the_deal_gives():
    assert [f.message for f in static_findings(BANK) if f.rule == "W-check-12"] == []
