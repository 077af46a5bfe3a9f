"""Approval as a record a lawyer can rely on: who, in what role, when, from when, and why."""

from __future__ import annotations

import datetime as dt

import pytest

from assembler.api import Workspace, build
from assembler.bank.clausebank import ClauseBank
from assembler.core.errors import AssemblerError

from conftest import EXAMPLE, bank_cli, cli


def _meta(bank):
    return (bank / "clauses" / "relationship" / "clause.yaml").read_text()


def test_approve_refuses_the_placeholder_change_note(bank):
    assert cli("bank", "bump", "--bank", str(bank), "relationship").exit_code == 0
    before = _meta(bank)
    refused = cli("bank", "approve", "--bank", str(bank), "relationship@1.1.0", "--by", "A. Lawyer")
    assert refused.exit_code == 1
    assert "E-bank-13" in refused.output and "[describe the change]" in refused.output
    assert _meta(bank) == before  # nothing written


@pytest.mark.parametrize("action", ["approve", "retire"])
def test_approve_and_retire_need_the_version(bank, action):
    before = _meta(bank)
    result = cli("bank", action, "--bank", str(bank), "relationship", "--by", "A. Lawyer")
    if action == "retire":
        result = cli("bank", action, "--bank", str(bank), "relationship")
    assert result.exit_code == 1 and "E-bank-14" in result.output
    assert "relationship@VERSION" in result.output
    assert _meta(bank) == before


@pytest.mark.slow
def test_the_record_says_who_in_what_role_when_and_from_when(bank, monkeypatch, tmp_path):
    # git's command-line configuration outranks every config file (a repository's included)
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "user.name")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "Sam Okafor")
    bumped = bank_cli(bank, "bump", "relationship", "--effective-from", "2027-04-01")
    assert bumped.exit_code == 0, bumped.output
    record = ("--role", "Head of Legal", "--change", "Shorter wording.", "--on", "2026-12-01")
    approved = bank_cli(bank, "approve", "relationship@1.1.0", *record)
    assert approved.exit_code == 0, approved.output
    version = ClauseBank.load(bank).clause("relationship").versions[-1]
    assert (version.approved_by, version.approved_role) == ("Sam Okafor", "Head of Legal")
    assert version.approved_on == dt.date(2026, 12, 1)
    assert version.effective_from == dt.date(2027, 4, 1)  # as bumped
    assert version.change == "Shorter wording."
    shown = cli("bank", "show", "--bank", str(bank), "relationship@1.1.0")
    assert (
        "1.1.0 approved; approved by Sam Okafor (Head of Legal) on 2026-12-01; "
        "in force from 2027-04-01; Shorter wording." in shown.output
    )
    # a deal dated before it is in force keeps 1.0.0; E-bank-04 no longer says "approve a version"
    clause = ClauseBank.load(bank).clause("relationship")
    assert clause.pick(dt.date(2027, 3, 31)).version == "1.0.0"


@pytest.mark.slow
def test_an_approved_record_edited_by_hand_is_caught(bank, tmp_path):
    assert cli("bank", "bump", "--bank", str(bank), "relationship").exit_code == 0
    approve = ["bank", "approve", "--bank", str(bank), "relationship@1.1.0", "--by", "A. Lawyer"]
    assert cli(*approve, "--change", "Clearer.", "--on", "2016-01-01").exit_code == 0
    ws = Workspace.open(bank)
    build(EXAMPLE, tmp_path / "ok.docx", workspace=ws)
    meta = bank / "clauses" / "relationship" / "clause.yaml"
    meta.write_text(
        meta.read_text().replace("effective_from: '2016-01-01'", "effective_from: '2015-01-01'")
    )
    assert "2015-01-01" in meta.read_text()
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", workspace=Workspace.open(bank))
    found = caught.value.diagnostics[0]
    assert found.rule == "E-bank-08" and "approval record of relationship@1.1.0" in found.message
    assert found.file.endswith("clause.yaml")


def test_no_version_in_force_names_the_approved_ones(bank):
    clause = ClauseBank.load(bank).clause("relationship")
    with pytest.raises(AssemblerError) as caught:
        clause.pick(dt.date(1990, 1, 1))
    hint = caught.value.diagnostics[0].hint
    assert "approve a version" not in hint and "1.0.0 from" in hint


@pytest.mark.slow  # hashes every version of the bank
def test_record_hashes_seals_the_records_of_an_older_bank(bank, tmp_path):
    """A bank approved before records were hashed: `bank check --record-hashes` seals them, and a
    later hand edit of an effective date is then caught."""
    from assembler.bank.ops import record_hashes

    assert record_hashes(ClauseBank.load(bank)) > 0
    assert record_hashes(ClauseBank.load(bank)) == 0  # once
    build(EXAMPLE, tmp_path / "ok.docx", workspace=Workspace.open(bank))
    meta = bank / "clauses" / "relationship" / "clause.yaml"
    text = meta.read_text()
    assert "effective_from: 2015-01-01" in text
    meta.write_text(text.replace("effective_from: 2015-01-01", "effective_from: 2014-01-01", 1))
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", workspace=Workspace.open(bank))
    assert caught.value.diagnostics[0].rule == "E-bank-08"
