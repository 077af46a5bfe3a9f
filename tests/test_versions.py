"""Clause versions, approval and provenance: the bank as a package manager for clauses."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import docx
import pytest

from assembler.api import Workspace, build
from assembler.bank.clausebank import ClauseBank
from assembler.bank.ops import bump, find_version, plain_text, retire, word_diff
from assembler.core.errors import AssemblerError
from assembler.package.provenance import verify

from conftest import (
    BANK,
    EXAMPLE,
    bank_cli,
    cli,
    libreoffice_resave,
    needs_soffice,
    new_version,
    position_of,
)

#: The change note these tests approve with (a bump writes a placeholder that approve refuses).
CHANGE = "Says only that no legal partnership is created."


@pytest.mark.slow
def test_dates_and_status_pick_the_version_in_force(bank):
    assert new_version(bank, "relationship", approved_on=dt.date(2018, 1, 1)) == "1.1.0"
    clause = ClauseBank.load(bank).clause("relationship")
    assert clause.pick(dt.date(2017, 4, 1)).version == "1.0.0"  # a deal dated before it took effect
    assert clause.pick(dt.date(2018, 6, 1)).version == "1.1.0"
    assert clause.pick(dt.date(2018, 6, 1), pinned="1.0.0").version == "1.0.0"
    retire(ClauseBank.load(bank), "relationship@1.1.0", dt.date(2019, 1, 1))
    assert ClauseBank.load(bank).clause("relationship").pick(dt.date(2019, 6, 1)).version == "1.0.0"


@pytest.mark.slow
def test_a_draft_version_is_used_only_in_a_draft_build(bank, tmp_path):
    bump(ClauseBank.load(bank), "relationship", "major")
    clause = ClauseBank.load(bank).clause("relationship")
    assert clause.pick(dt.date(2030, 1, 1)).version == "1.0.0"
    assert clause.pick(dt.date(2030, 1, 1), draft=True).version == "2.0.0"
    result = build(
        EXAMPLE, tmp_path / "d.docx", draft=True, workspace=Workspace.open(bank, BANK / "templates")
    )
    assert [s.version for s in result.plan.clauses if s.clause_id == "relationship"] == ["2.0.0"]
    texts = [p.text for p in docx.Document(str(result.output)).paragraphs]
    assert "DRAFT: NOT FOR SIGNATURE. Drafting notes appear as comments." in texts


@pytest.mark.slow
def test_a_deal_can_pin_a_version(bank, tmp_path):
    new_version(bank, "relationship", approved_on=dt.date(2016, 1, 1))
    deal = tmp_path / "deal.yaml"
    deal.write_text(
        EXAMPLE.read_text().replace("choices:", "pins: {relationship: 1.0.0}\nchoices:")
    )
    result = build(deal, tmp_path / "p.docx", workspace=Workspace.open(bank, BANK / "templates"))
    assert [s.version for s in result.plan.clauses if s.clause_id == "relationship"] == ["1.0.0"]


@pytest.mark.slow  # the whole-bank check
def test_an_approved_version_edited_in_place_is_refused(bank, tmp_path):
    from assembler.bank.authoring import fragment_from_draft

    target = bank / "clauses" / "relationship" / "1.0.0.docx"
    target.write_bytes(
        fragment_from_draft("1.1 Changed quietly.", BANK / "templates" / "house-style.docx")
    )
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", workspace=Workspace.open(bank, BANK / "templates"))
    assert caught.value.diagnostics[0].rule == "E-bank-08"
    result = cli("bank", "check", "--bank", str(bank), "--json")
    assert result.exit_code == 1 and '"rule": "E-bank-08"' in result.output


def test_word_diff_is_readable(bank):
    clause_bank = ClauseBank.load(bank)
    lines = word_diff(
        ["1.1 The Parties must act in good faith."],
        ["1.1 The Parties must act openly and in good faith."],
    )
    assert lines == ["~ 1.1 The Parties must act {+openly and +}in good faith."]
    text = plain_text(clause_bank, find_version(clause_bank, "relationship")[1])
    assert text[0].startswith("1.1 Nothing in this Agreement creates a partnership")


@pytest.mark.slow
def test_bank_commands_from_the_command_line(bank, tmp_path):
    listing = cli("bank", "list", "--bank", str(bank), "--criterion", "intellectual_property")
    # the table may shorten a long id to fit ("ip-background-retained-foreground-lice…")
    assert listing.exit_code == 0 and "ip-background-retained-foreground-li" in listing.output
    assert "relationship" not in listing.output
    shown = cli("bank", "show", "--bank", str(bank), "disputes-ladder@1.0.0")
    assert "disputes-ladder@1.0.0 (approved): Resolving disputes" in shown.output
    assert "{{ label('facilitator') }}" in shown.output
    assert cli("bank", "bump", "--bank", str(bank), "relationship").exit_code == 0
    from assembler.bank.authoring import fragment_from_draft

    (bank / "clauses" / "relationship" / "1.1.0.docx").write_bytes(
        fragment_from_draft(
            "1.1 Nothing in this Agreement creates a legal partnership.",
            BANK / "templates" / "house-style.docx",
        )
    )
    diff = cli("bank", "diff", "--bank", str(bank), "relationship@1.0.0", "relationship@1.1.0")
    assert "{+partnership.+}" in diff.output and "[-partnership, joint venture" in diff.output
    by = ("--by", "Head of Legal", "--on", "2026-11-01", "--change", CHANGE)
    approved = bank_cli(bank, "approve", "relationship@1.1.0", *by)
    assert approved.exit_code == 0
    meta = (bank / "clauses" / "relationship" / "clause.yaml").read_text()
    assert re.search(
        r"version: 1\.1\.0.*status: approved.*approved_by: Head of Legal.*sha256: [0-9a-f]{64}",
        meta,
        re.S,
    )
    draft = tmp_path / "draft.md"
    draft.write_text(
        "The Parties must meet at least once a year.\n\n1. first point\n2. second point\n"
    )
    made = bank_cli(
        bank, "new", "annual-meeting", "--from", str(draft), "--title", "Annual meeting"
    )
    assert made.exit_code == 0, made.output
    assert (bank / "clauses" / "annual-meeting" / "0.1.0.docx").is_file()
    assert ClauseBank.load(bank).clause("annual-meeting").versions[0].status == "draft"


@pytest.mark.slow
def test_bank_check_reports_a_criterion_no_approved_clause_satisfies(bank):
    from ruamel.yaml import YAML

    yaml = YAML()  # round trip: the rest of each clause.yaml stays as it was
    for meta in (bank / "clauses").glob("*/clause.yaml"):
        data = yaml.load(meta)
        kept = [c for c in data.get("criteria") or [] if c.split(".")[0] != "plain_language"]
        if kept != list(data.get("criteria") or []):
            data["criteria"] = kept
            yaml.dump(data, meta)
    result = cli("bank", "check", "--bank", str(bank), "--json")
    assert result.exit_code == 1
    gaps = [f for f in json.loads(result.output)["findings"] if f["rule"] == "E-check-03"]
    assert [g["message"] for g in gaps if "plain_language" in g["message"]], gaps


@pytest.mark.slow
def test_a_template_needing_a_retired_clause_fails_the_check(bank):
    retire(ClauseBank.load(bank), "relationship@1.0.0", dt.date(2020, 1, 1))
    result = cli("bank", "check", "--bank", str(bank), "--json")
    assert '"rule": "E-check-07"' in result.output


@pytest.mark.slow
def test_verify_reports_versions_supersession_and_edits(bank, tmp_path):
    ws = Workspace.open(bank, BANK / "templates")
    deal = tmp_path / "deal.yaml"
    deal.write_text(
        EXAMPLE.read_text().replace(
            "choices:", "pins: {liability-no-blame-with-carve-outs: 1.0.0}\nchoices:"
        )
    )
    result = build(deal, tmp_path / "a.docx", workspace=ws)
    report = verify(result.output, ClauseBank.load(bank), today=dt.date(2026, 11, 23))
    assert report.ok and not any(c.edited for c in report.clauses)
    # the deal pinned the 2016 liability wording; the bank's later wording now supersedes it
    states = {c.clause: c.state for c in report.clauses}
    assert states.pop("liability-no-blame-with-carve-outs") == "superseded by 1.3.0"
    assert set(states.values()) == {"current"}
    principles = next(c.number for c in result.plan.clauses if c.clause_id == "principles")
    # a lawyer edits the principles clause in Word, and the bank moves on
    document = docx.Document(str(result.output))
    target = next(
        p
        for p in document.paragraphs
        if p.text.startswith("The Parties must work together in good faith")
    )
    target.runs[0].text = target.runs[0].text.replace("good faith", "utmost good faith")
    edited = tmp_path / "edited.docx"
    document.save(str(edited))
    new_version(bank, "relationship", approved_on=dt.date(2020, 1, 1))
    report = verify(edited, ClauseBank.load(bank), today=dt.date(2026, 11, 23))
    assert not report.ok
    assert [c.number for c in report.clauses if c.edited] == [principles]
    states = {c.clause: c.state for c in report.clauses}
    assert states["relationship"] == "superseded by 1.1.0" and states["scope"] == "current"
    out = cli("verify", str(edited), "--bank", str(bank))
    assert out.exit_code == 1 and "EDITED" in out.output


@needs_soffice()
def test_verify_works_after_libreoffice_saves_the_document(bank, tmp_path):
    result = build(EXAMPLE, tmp_path / "a.docx", workspace=Workspace.open(bank, BANK / "templates"))
    resaved = libreoffice_resave(result.output, tmp_path)
    report = verify(resaved, ClauseBank.load(bank))
    assert report.ok, [c for c in report.clauses if c.edited]
    assert len(report.clauses) == len(result.plan.all_clauses()) - 1  # all but the recitals


def test_the_document_carries_custom_properties(example):
    import io
    import zipfile

    _, data = example
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        custom = package.read("docProps/custom.xml").decode()
    assert 'name="Assembler deal"' in custom and "csa-over65-alliance" in custom


@pytest.mark.slow
def test_the_house_bank_picks_wording_by_the_deal_date(tmp_path, workspace):
    later = tmp_path / "deal.yaml"
    later.write_text(
        EXAMPLE.read_text()
        .replace("effective_date: 2017-04-01", "effective_date: 2026-05-01")
        .replace("kind: ccg", "kind: icb")  # CCGs were abolished on 1 July 2022 (E-law-01)
    )
    versions = {
        c.clause_id: c.version
        for c in build(later, tmp_path / "l.docx", workspace=workspace).plan.all_clauses()
    }
    earlier = {
        c.clause_id: c.version
        for c in build(EXAMPLE, tmp_path / "e.docx", workspace=workspace).plan.all_clauses()
    }
    # 1.2.0 (in force from 2015) carried the 2026 wording of 1.1.0 back to the earlier deal, and
    # 1.3.0 (the sums-due carve-out, in force from 2015) follows it
    assert earlier["liability-no-blame-with-carve-outs"] == "1.3.0"
    assert versions["liability-no-blame-with-carve-outs"] == "1.3.0"
    assert earlier["notices"] == versions["notices"] == "1.1.0"  # 0.9.0 is retired
    for built in ("l.docx", "e.docx"):
        texts = [p.text for p in docx.Document(str(tmp_path / built)).paragraphs]
        assert any("death or personal injury caused by negligence" in t for t in texts)
    pinned = tmp_path / "pinned.yaml"
    pinned.write_text(
        later.read_text().replace(
            "choices:", "pins: {liability-no-blame-with-carve-outs: 1.0.0}\nchoices:"
        )
    )
    old = {
        c.clause_id: c.version
        for c in build(pinned, tmp_path / "p.docx", workspace=workspace).plan.all_clauses()
    }
    assert old["liability-no-blame-with-carve-outs"] == "1.0.0"


@pytest.mark.slow
def test_a_draft_pinned_in_a_final_build_is_refused(bank, tmp_path):
    bump(ClauseBank.load(bank), "relationship", "minor")
    deal = tmp_path / "deal.yaml"
    text = EXAMPLE.read_text().replace("choices:", "pins: {relationship: 1.1.0}\nchoices:")
    deal.write_text(text)
    ws = Workspace.open(bank, BANK / "templates")
    with pytest.raises(AssemblerError) as caught:
        build(deal, tmp_path / "x.docx", workspace=ws)
    assert (
        caught.value.diagnostics[0].rule == "E-bank-12"
        and f"{caught.value.diagnostics[0].line}:{caught.value.diagnostics[0].col}"
        == position_of(text, "pins: {relationship: ^1.1.0")
    )
    assert build(deal, tmp_path / "x.docx", workspace=ws, draft=True).output.is_file()


@pytest.mark.slow
def test_a_tampered_locked_version_is_refused(bank, tmp_path):
    from assembler.bank.authoring import fragment_from_draft

    ws = Workspace.open(bank, BANK / "templates")
    first = build(EXAMPLE, tmp_path / "a.docx", workspace=ws)
    # someone rewrites the approved wording and re-records its hash, hiding the change from the bank
    fragment = bank / "clauses" / "relationship" / "1.0.0.docx"
    fragment.write_bytes(
        fragment_from_draft("1.1 Quietly different.", BANK / "templates" / "house-style.docx")
    )
    meta = bank / "clauses" / "relationship" / "clause.yaml"
    meta.write_text(re.sub(r", sha256: [0-9a-f]{64}", "", meta.read_text()))
    with pytest.raises(AssemblerError) as caught:
        build(
            None,
            tmp_path / "b.docx",
            locked=first.lock,
            workspace=Workspace.open(bank, BANK / "templates"),
        )
    assert caught.value.diagnostics[0].rule == "E-lock-02"
    assert "relationship@1.0.0" in caught.value.diagnostics[0].message
    assert not (tmp_path / "b.docx").exists()


@needs_soffice()
def test_verify_finds_an_edit_after_a_libreoffice_round_trip(bank, tmp_path):
    result = build(EXAMPLE, tmp_path / "a.docx", workspace=Workspace.open(bank, BANK / "templates"))
    document = docx.Document(str(result.output))
    target = next(
        p for p in document.paragraphs if p.text.startswith("A notice under this Agreement")
    )
    target.runs[0].text = target.runs[0].text.replace("in writing", "in writing, signed")
    edited = tmp_path / "edited.docx"
    document.save(str(edited))
    resaved = libreoffice_resave(edited, tmp_path)
    report = verify(resaved, ClauseBank.load(bank))
    notices = next(c.number for c in result.plan.clauses if c.clause_id == "notices")
    assert [c.number for c in report.clauses if c.edited] == [notices]


@pytest.mark.slow
def test_a_locked_version_missing_from_the_bank_is_refused(bank, tmp_path):
    ws = Workspace.open(bank, BANK / "templates")
    first = build(EXAMPLE, tmp_path / "a.docx", workspace=ws)
    meta = bank / "clauses" / "notices" / "clause.yaml"
    meta.write_text(re.sub(r"(?m)^  - version: 1\.1\.0\n(?:    .*\n)*", "", meta.read_text()))
    (bank / "clauses" / "notices" / "1.1.0.docx").unlink()
    with pytest.raises(AssemblerError) as caught:
        build(
            None,
            tmp_path / "b.docx",
            locked=first.lock,
            workspace=Workspace.open(bank, BANK / "templates"),
        )
    assert caught.value.diagnostics[0].rule == "E-bank-05"
    assert "notices has no version 1.1.0" in caught.value.diagnostics[0].message


@pytest.mark.slow
def test_every_variant_the_engine_writes_passes_the_validators(tmp_path, workspace, assert_valid):
    later = tmp_path / "deal.yaml"
    later.write_text(
        EXAMPLE.read_text()
        .replace("effective_date: 2017-04-01", "effective_date: 2026-05-01")
        .replace("kind: ccg", "kind: icb")  # CCGs were abolished on 1 July 2022 (E-law-01)
    )
    assert_valid(build(later, tmp_path / "later.docx", workspace=workspace).output)
    draft = tmp_path / "draft.yaml"
    draft.write_text(EXAMPLE.read_text().replace("choices:", "pins: {notices: 1.0.0}\nchoices:"))
    assert_valid(build(draft, tmp_path / "draft.docx", draft=True, workspace=workspace).output)


@pytest.mark.slow
def test_bank_check_renders_every_alternative_a_deal_could_choose(bank):
    source = bank / "clauses" / "ip-background-retained-foreground-licensed"
    alternative = bank / "clauses" / "ip-untried"
    shutil.copytree(source, alternative)
    meta = alternative / "clause.yaml"
    text = meta.read_text().replace(
        "id: ip-background-retained-foreground-licensed", "id: ip-untried"
    )
    meta.write_text(
        text.replace("option: background-retained-foreground-licensed", "option: untried")
    )
    for fragment in alternative.glob("*.docx"):  # an alternative nobody has rendered yet
        fragment.write_bytes(b"broken")
    result = cli("bank", "check", "--bank", str(bank), "--json")
    assert "choosing {'intellectual_property': 'untried'} does not build" in result.output


@pytest.mark.slow
def test_every_version_in_the_house_bank_can_be_shown_as_text():
    """`bank show` and `bank diff` read a fragment's source as XML; a Jinja expression such as
    `count <= 10` is not XML until rendered, and once made `bank show` fail with a traceback."""
    house = ClauseBank.load(BANK)
    for clause in house.clauses.values():
        for version in clause.versions:
            assert plain_text(house, version), f"{clause.id}@{version.version}"
    summary = find_version(house, "schedule-plain-english-summary")[1]
    assert any("if count <= 10 else count" in line for line in plain_text(house, summary))


def definition(path, term: str) -> str:
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    return next(t for t in texts if t.startswith(f"\u201c{term}\u201d means"))


@pytest.mark.parametrize(
    ("pins", "wilful", "data"),
    [
        ("", "a deliberate or reckless breach by a Party", "the Data Protection Act 1998"),
        (
            "pins: {wilful-default: 1.1.0, data-protection: 1.1.0}\n",
            "acting against the principles",
            "the UK GDPR, the Data Protection Act 2018",
        ),
    ],
)
@pytest.mark.slow(keep_first=True)
def test_a_version_keeps_its_own_definitions(tmp_path, workspace, pins, wilful, data):
    """A definition belongs to the version it was approved with: 1.2.0 brought new ones, and a
    deal pinned to 1.1.0 still gets the definitions approved with 1.1.0."""
    deal = tmp_path / "deal.yaml"
    deal.write_text(
        (BANK / "examples" / "mh-rehab-alliance.yaml")
        .read_text()
        .replace("choices:", pins + "choices:")
    )
    result = build(deal, tmp_path / "d.docx", workspace=workspace)
    assert wilful in definition(result.output, "Wilful Default")
    assert data in definition(result.output, "Data Protection Legislation")  # a 2015 deal


def test_the_new_wilful_default_cites_the_listed_obligations_by_number(tmp_path, workspace):
    result = build(
        BANK / "examples" / "mh-rehab-alliance.yaml", tmp_path / "d.docx", workspace=workspace
    )
    text = definition(result.output, "Wilful Default")
    numbers = {c.clause_id: c.number for c in result.plan.clauses}
    listed = ["roles", "decision-making", "information-sharing", "conflicts-of-interest"]
    assert all(numbers[c] in text for c in listed), (text, numbers)
    n = numbers["wilful-default"]
    assert (
        f"within the period in clause {n}.2 after receiving a notice of it under clause {n}.1"
        in text
    )


@pytest.mark.slow
def test_a_version_s_definition_edited_in_place_is_refused(bank, tmp_path):
    meta = bank / "clauses" / "wilful-default" / "clause.yaml"
    meta.write_text(meta.read_text().replace("a deliberate or reckless breach", "any breach"))
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", workspace=Workspace.open(bank, BANK / "templates"))
    assert caught.value.diagnostics[0].rule == "E-bank-08"


@pytest.mark.slow
def test_a_bump_carries_the_version_s_definitions_forward(bank):
    new = bump(ClauseBank.load(bank), "wilful-default", "minor")
    clause = ClauseBank.load(bank).clause("wilful-default")
    assert clause.definitions(new) == clause.definitions("1.2.0") != clause.definitions("1.1.0")
