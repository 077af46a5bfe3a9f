"""Build the case study A alliance agreement and check what a lawyer would check, on the .docx."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree

from assembler.api import build
from assembler.core.errors import AssemblerError

from conftest import BANK, EXAMPLE
from reading import paragraphs

#: a value that clauses read and no rule requires: leaving it out makes it missing
MEETINGS = '  meeting_frequency: "[meeting frequency]"'

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def test_python_docx_opens_it_and_every_placeholder_is_filled(example):
    _, data = example
    text = "\n".join(t for _, t in paragraphs(data))
    assert "{{" not in text and "{%" not in text and "[MISSING" not in text
    assert "\ue000" not in text
    assert "Over-65s Health and Social Care Alliance Agreement" in text
    assert "[Integrated Acute/Community NHS Trust]" in text


def test_it_passes_the_validators(example, assert_valid, tmp_path):
    _, data = example
    path = tmp_path / "a.docx"
    path.write_bytes(data)
    assert_valid(path)


def test_the_document_has_the_parts_a_lawyer_expects(example):
    _, data = example
    styles = [s for s, _ in paragraphs(data)]
    texts = [t for _, t in paragraphs(data)]
    assert texts[0] == "DATED [date]"
    assert "(6) [Third-sector organisation]" in texts
    for part in ("Contents", "Parties", "Background", "Agreed terms", "Execution"):
        assert part in texts
    assert styles.count("PartyEntry") == 6
    assert styles.count("Recital") >= 3
    assert styles.count("ScheduleHeading") >= 4
    instructions = [t.text for t in document_xml(data).iter(f"{W}instrText")]
    assert any(i.strip().startswith("TOC ") for i in instructions)


def test_clause_headings_are_numbered_in_order_by_the_house_list(example):
    result, data = example
    plan = result.plan
    assert [c.number for c in plan.clauses] == [str(n) for n in range(1, len(plan.clauses) + 1)]
    assert plan.clauses[0].title == "Definitions and interpretation"
    root = document_xml(data)
    headings = [
        p
        for p in root.iter(f"{W}p")
        if p.find(f"{W}pPr/{W}pStyle[@{W}val='ClauseHeading']") is not None
    ]
    assert len(headings) == len(plan.clauses)
    assert [c.number for c in plan.schedules][:2] == ["Schedule 1", "Schedule 2"]


def test_cross_references_show_the_target_number(example):
    from assembler.plan.laidout import bookmark_name

    result, data = example
    root = document_xml(data)
    bookmarks = {b.get(f"{W}name") for b in root.iter(f"{W}bookmarkStart")}
    refs = _lock(result)["references"]
    by_bookmark = {bookmark_name(target): text for target, text in refs.items()}
    fields = _ref_fields(root)
    assert len(fields) >= 20, "the example is full of cross-references"
    for bookmark, cached in fields:
        assert bookmark in bookmarks
        # "clause 9.2" / "paragraph 1.2 of Schedule 3" / "Schedule 2": the field holds the number
        expected = re.sub(r"^(clause |paragraph )", "", by_bookmark[bookmark]).split(" of ")[0]
        assert cached == expected, (bookmark, cached, expected)


def test_reference_numbers_match_the_numbered_paragraphs(example):
    result, _ = example
    refs = _lock(result)["references"]
    numbers = {c.clause_id: c.number for c in result.plan.clauses}
    for clause_id, number in numbers.items():
        if clause_id in refs:
            assert refs[clause_id] == f"clause {number}"
    for clause in result.plan.schedules:
        assert refs[clause.clause_id] == clause.number
    labelled = [k for k in refs if "." in k and k.split(".")[0] in numbers]
    for key in labelled:
        assert re.fullmatch(
            rf"clause {numbers[key.split('.')[0]]}(\.\d+)?(\([a-z]+\))*", refs[key]
        ), key


def test_definitions_are_alphabetical_and_used(example):
    result, data = example
    terms = _lock(result)["defined_terms"]
    assert terms == sorted(terms, key=str.lower) and len(terms) >= 8
    definitions = [t for s, t in paragraphs(data) if s == "Definition"]
    assert [d.split("\u201d")[0].lstrip("\u201c") for d in definitions] == terms
    assert definitions[-1].endswith(".") and all(d.endswith(";") for d in definitions[:-1])


def test_building_twice_gives_identical_bytes(example, tmp_path, workspace):
    _, data = example
    again = build(EXAMPLE, tmp_path / "again.docx", workspace=workspace)
    assert again.output.read_bytes() == data


def test_locked_rebuild_gives_identical_bytes(example, tmp_path, workspace):
    result, data = example
    rebuilt = build(None, tmp_path / "locked.docx", locked=result.lock, workspace=workspace)
    assert rebuilt.output.read_bytes() == data


def test_locked_rebuild_refuses_a_changed_deal(example, tmp_path, workspace):
    result, _ = example
    changed = tmp_path / "deal.yaml"
    changed.write_text(
        EXAMPLE.read_text().replace("estimated_size: 50000", "estimated_size: 50001")
    )
    with pytest.raises(AssemblerError) as caught:
        build(changed, tmp_path / "x.docx", locked=result.lock, workspace=workspace)
    assert caught.value.diagnostics[0].rule == "E-lock-01"
    assert not (tmp_path / "x.docx").exists()


def test_ampersands_and_quotes_in_party_names_survive(tmp_path, workspace):
    deal = tmp_path / "deal.yaml"
    deal.write_text(
        EXAMPLE.read_text().replace(
            'name: "[GP Federation]"', 'name: "Smith & Jones \\"Care\\" Ltd"'
        )
    )
    result = build(deal, tmp_path / "amp.docx", workspace=workspace)
    text = "\n".join(t for _, t in paragraphs(result.output.read_bytes()))
    assert 'Smith & Jones "Care" Ltd' in text
    assert text.count("Smith & Jones") >= 3


def test_a_final_build_refuses_missing_values_and_writes_nothing(tmp_path, workspace):
    deal = tmp_path / "deal.yaml"
    deal.write_text(EXAMPLE.read_text().replace(MEETINGS, ""))
    out = tmp_path / "out.docx"
    with pytest.raises(AssemblerError) as caught:
        build(deal, out, workspace=workspace)
    assert {d.rule for d in caught.value.diagnostics} == {"E-miss-01"}
    assert any("deal.governance.meeting_frequency" in d.message for d in caught.value.diagnostics)
    assert not out.exists()


def test_a_draft_build_marks_missing_values_and_keeps_notes_as_comments(tmp_path, workspace):
    deal = tmp_path / "deal.yaml"
    deal.write_text(EXAMPLE.read_text().replace(MEETINGS, ""))
    result = build(deal, tmp_path / "draft.docx", draft=True, workspace=workspace)
    data = result.output.read_bytes()
    text = "\n".join(t for _, t in paragraphs(data))
    assert "[MISSING: deal.governance.meeting_frequency]" in text
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert "word/comments.xml" in package.namelist()
    root = document_xml(data)
    missing_runs = [
        r
        for r in root.iter(f"{W}r")
        if r.find(f"{W}rPr/{W}rStyle[@{W}val='MissingValue']") is not None
    ]
    assert missing_runs


def test_draft_output_passes_the_validators(tmp_path, workspace, assert_valid):
    result = build(EXAMPLE, tmp_path / "draft.docx", draft=True, workspace=workspace)
    assert_valid(result.output)


def _ref_fields(root: etree._Element) -> list[tuple[str, str]]:
    """(bookmark, cached text) of each REF field, read from its runs."""
    out = []
    runs = list(root.iter(f"{W}r"))
    for i, r in enumerate(runs):
        instr = r.find(f"{W}instrText")
        if instr is not None and instr.text.strip().startswith("REF "):
            bookmark = instr.text.split()[1]
            cached = "".join(t.text for t in runs[i + 2].iter(f"{W}t"))
            out.append((bookmark, cached))
    return out


def _lock(result):
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(result.lock.read_text())


def test_the_committed_house_style_is_what_the_script_writes(tmp_path, assert_valid):
    import subprocess
    import sys

    from conftest import ROOT

    target = tmp_path / "house-style.docx"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_house_style.py"), str(target)], check=True
    )
    assert target.read_bytes() == (BANK / "templates" / "house-style.docx").read_bytes()
    assert_valid(target)


def test_a_deed_outline_gives_deed_wording_and_execution_by_legal_form(tmp_path, assert_valid):

    from assembler.api import Workspace

    templates = _templates_copy(tmp_path)
    outline = templates / "alliance_agreement.yaml"
    outline.write_text(outline.read_text().replace("execution: agreement", "execution: deed"))
    ws = Workspace.open(BANK, templates)
    deal = tmp_path / "deed.yaml"  # a director signing a deed needs a witness
    deal.write_text(
        EXAMPLE.read_text().replace(
            "kind: gp_federation, roles: [provider],",
            'kind: gp_federation, roles: [provider], witness: "[witness]",',
        )
    )
    result = build(deal, tmp_path / "deed.docx", workspace=ws)
    texts = [t for _, t in paragraphs(result.output.read_bytes())]
    assert "THIS DEED is dated [date]" in texts
    joined = "\n".join(texts)
    assert "The common seal of [Council] was affixed to this deed" in joined  # local authority
    assert "acting by a director in the presence of a witness" in joined  # GP federation (company)
    assert "paragraph 21 of Schedule 1A to the National Health Service Act 2006" in joined  # CCG
    assert joined.count("Executed as a deed by") >= 4
    assert_valid(result.output)


def test_parties_are_described_by_legal_form(example):
    _, data = example
    entries = [t for s, t in paragraphs(data) if s == "PartyEntry"]
    assert entries[0].startswith(
        "[CCG], a clinical commissioning group established under the National Health Service Act 2006"
    )
    assert "an NHS foundation trust" in entries[3]
    assert entries[1].startswith("[Council], a local authority")


def test_the_example_builds_without_warnings(example):
    result, _ = example
    assert [str(w) for w in result.warnings] == []


def test_values_no_clause_uses_and_uncovered_criteria_are_warned_about(
    tmp_path, workspace, example
):
    covered = {criterion.split(".")[0] for criterion in example[0].plan.criteria()}
    uncovered = next(c for c in workspace.bank.criteria if c not in covered)
    text = EXAMPLE.read_text()
    text = text.replace(
        "criteria: [shared_purpose_and_vision,",
        f"criteria: [{uncovered}, shared_purpose_and_vision,",
    )
    text = text.replace("kind: nhs_trust,", "kind: nhs_trust, jv_party: true,")
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    lines = text.splitlines()
    criteria_line = next(i for i, line in enumerate(lines, 1) if line.startswith("criteria:"))
    trust_line = next(i for i, line in enumerate(lines, 1) if "jv_party" in line)
    result = build(deal, tmp_path / "w.docx", workspace=workspace, draft=True)
    found = {(w.rule, w.line) for w in result.warnings}
    assert ("W-crit-01", criteria_line) in found
    assert ("W-deal-01", trust_line) in found
    with pytest.raises(AssemblerError) as caught:  # a final build refuses, and writes nothing
        build(deal, tmp_path / "final.docx", workspace=workspace)
    assert [(d.rule, d.line) for d in caught.value.diagnostics] == [("E-crit-01", criteria_line)]
    assert not (tmp_path / "final.docx").exists()


def _templates_copy(tmp_path):
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(BANK / "templates", templates)
    # an outline in the templates folder overrides the bank's types/<document_type>/outline.yaml
    shutil.copy(
        BANK / "types" / "alliance_agreement" / "outline.yaml",
        templates / "alliance_agreement.yaml",
    )
    return templates


def test_a_reference_to_a_clause_left_out_names_both_clauses(tmp_path):
    from assembler.api import Workspace

    templates = _templates_copy(tmp_path)
    outline = templates / "alliance_agreement.yaml"
    outline.write_text(
        outline.read_text().replace("  - {slot: disputes, clause: disputes-ladder}\n", "")
    )
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", workspace=Workspace.open(BANK, templates))
    messages = [d.message for d in caught.value.diagnostics]
    assert "clause principles refers to disputes-ladder, which is not in this document" in messages
    assert all(d.rule == "E-ref-02" for d in caught.value.diagnostics)
    assert not (tmp_path / "x.docx").exists()


def test_a_house_style_without_the_house_styles_is_refused(tmp_path):
    from assembler.api import Workspace

    templates = _templates_copy(tmp_path)
    import docx as python_docx

    plain = tmp_path / "plain.docx"
    python_docx.Document().save(plain)
    (templates / "house-style.docx").write_bytes(plain.read_bytes())
    with pytest.raises(AssemblerError) as caught:
        Workspace.open(BANK, templates)
    assert caught.value.diagnostics[0].rule == "E-style-01"
    assert "ClauseHeading" in caught.value.diagnostics[0].message


def test_a_failed_build_leaves_the_previous_output_intact(tmp_path, workspace):
    out = tmp_path / "agreement.docx"
    good = build(EXAMPLE, out, workspace=workspace)
    before = good.output.read_bytes()
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace(MEETINGS, ""))
    with pytest.raises(AssemblerError):
        build(bad, out, workspace=workspace)
    assert out.read_bytes() == before
    assert [
        p.name for p in tmp_path.iterdir() if p.name.startswith(".")
    ] == []  # no temp files left


def test_word_opens_without_asking_to_update_fields(example):
    _, data = example
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        settings = package.read("word/settings.xml").decode()
    assert "w:settings" in settings and "updateFields" not in settings
