"""`assemble check`, `assemble lint` and `assemble rules`: findings with stable ids, JSON for tools,
--ignore and --warnings-as-errors, and exit codes CI can use."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from click.testing import CliRunner

from assembler.api import Workspace, build
from assembler.checks.lint import lint
from assembler.cli.main import main
from assembler.core.errors import AssemblerError

from conftest import BANK, EXAMPLE, copy_bank, edited, position_of


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def deal_with(tmp_path, old: str, new: str):
    path = edited(tmp_path, (old, new))
    return path, path.read_text()


# -- check --------------------------------------------------------------------------------------


def test_check_prints_the_coverage_of_every_required_criterion():
    result = run("check", str(EXAMPLE), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    required = [r for r in report["coverage"] if r["required"]]
    listed = re.search(r"^criteria: \[([^\]]*)\]", EXAMPLE.read_text(), re.M | re.S).group(1)
    assert [r["criterion"] for r in required] == [c.strip() for c in listed.split(",")]
    assert all(r["clauses"] for r in required)
    plain = next(r for r in required if r["criterion"] == "plain_language")
    assert all(c["number"] and c["title"] for c in plain["clauses"])


def test_an_uncovered_or_unknown_criterion_fails_check_and_can_be_ignored(tmp_path):
    deal, text = deal_with(tmp_path, "criteria: [", "criteria: [plain_languge, ")
    result = run("check", str(deal))
    assert result.exit_code == 1
    where = position_of(text, "criteria: [^plain_languge")
    assert f"{where}: error E-crit-02" in result.output
    assert "hint: did you mean 'plain_language'?\n" in result.output
    assert run("check", str(deal), "--ignore", "E-crit-02").exit_code == 0


@pytest.mark.slow
def test_warnings_fail_only_under_warnings_as_errors_and_an_acknowledgement_silences_them(
    tmp_path,
):
    deal, text = deal_with(
        tmp_path, "unanimous_then_majority_if_decision_required", "unanimous_only"
    )
    result = run("check", str(deal), "--json")
    findings = json.loads(result.output)["findings"]
    assert result.exit_code == 0
    assert (
        "W-rule-G17",
        int(position_of(text, "decision_rule: ^unanimous_only").split(":")[0]),
    ) in {(f["rule"], f["line"]) for f in findings}
    assert run("check", str(deal), "--warnings-as-errors").exit_code == 1
    acknowledged = tmp_path / "ack.yaml"
    acknowledged.write_text(
        re.sub(
            r"(?m)^acknowledge:.*\n",
            lambda m: m.group(0) + '  W-rule-G17: "small alliance: unanimity is wanted"\n',
            text,
            count=1,
        )
    )
    rules = {
        f["rule"] for f in json.loads(run("check", str(acknowledged), "--json").output)["findings"]
    }
    assert "W-rule-G17" not in rules


def test_check_reports_deal_sheet_errors_as_json(tmp_path):
    deal, _ = deal_with(tmp_path, "decision_rule: unanimous_then", "decision_rule: mostly_then")
    result = run("check", str(deal), "--json")
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["schema_version"] == 1 and body["command"] == "check" and body["ok"] is False
    assert body["findings"][0]["rule"] == "E-enum-01"


# -- rules --------------------------------------------------------------------------------------


def test_rules_lists_every_rule_with_id_severity_and_source():
    rules = json.loads(run("rules", "--json").output)["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    g1 = next(r for r in rules if r["id"] == "E-rule-G1")
    assert g1["severity"] == "error" and "alliance_agreement" in g1["document_types"]
    assert "G1" in g1["source"]
    for rule in rules:
        if "-rule-G" in rule["id"]:
            number = rule["id"].split("G")[-1]
            assert f"G{number}" in rule["source"], rule
            assert rule["severity"] == ("warning" if rule["id"].startswith("W-") else "error")
    assert {"L-pass-01", "L-shall-01", "E-crit-01"} <= set(ids)


# -- lint ---------------------------------------------------------------------------------------


def docx_of(*paragraphs: tuple[str, str]) -> bytes:
    """A minimal document: (style id, text) paragraphs, as the lint reads them."""
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
        for style, text in paragraphs
    )
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as package:
        package.writestr(
            "word/document.xml", f'<w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>'
        )
    return stream.getvalue()


def test_lint_finds_each_kind_of_problem_and_names_the_clause():
    report = lint(
        docx_of(
            ("ClauseHeading", "Payment"),
            ("Clause2", "The Provider shall pay the invoice forthwith."),
            ("Clause2", "The invoice is paid by the Commissioner within 30 days."),
            ("Clause2", "The Board must make a decision on the budget."),
            ("ClauseHeading", "Notices"),
            ("Clause2", " ".join(["word"] * 50) + "."),
            ("Clause2", "Each Party must send notices by email."),
        )
    )
    found = {(f.rule, f.clause) for f in report.findings}
    assert ("L-shall-01", "clause 1 (Payment)") in found
    assert ("L-arch-01", "clause 1 (Payment)") in found
    assert ("L-pass-01", "clause 1 (Payment)") in found
    assert ("L-nom-01", "clause 1 (Payment)") in found
    assert ("L-sent-01", "clause 2 (Notices)") in found
    nominal = next(f for f in report.findings if f.rule == "L-nom-01")
    assert nominal.suggestion == '"make a decision": write "decide"'
    assert {f.rule for f in report.gate} >= {"L-shall-01", "L-arch-01"}
    clean = lint(
        docx_of(("ClauseHeading", "Notices"), ("Clause2", "Each Party must send notices by email."))
    )
    assert clean.findings == [] and clean.gate == []


@pytest.mark.slow
def test_lint_works_on_a_docx_a_lawyer_has_edited(tmp_path):
    built = build(EXAMPLE, tmp_path / "a.docx").output
    with zipfile.ZipFile(built) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    parts["word/document.xml"] = xml.replace("must", "shall", 1).encode("utf-8")
    edited = tmp_path / "edited.docx"
    with zipfile.ZipFile(edited, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    assert run("lint", str(built)).exit_code == 0
    result = run("lint", str(edited), "--json")
    assert result.exit_code == 1
    gate = json.loads(result.output)["lint"]["gate"]
    assert [g["rule"] for g in gate] == ["L-shall-01"]
    assert gate[0]["clause"].startswith("clause ")
    assert run("lint", str(edited), "--ignore", "L-shall-01").exit_code == 0


@pytest.mark.slow
def test_the_house_thresholds_gate_a_final_build_that_requires_plain_language(tmp_path):
    bank = copy_bank(tmp_path)
    meta = bank / "bank.yaml"
    meta.write_text(meta.read_text().replace("min_reading_ease: 30", "min_reading_ease: 90"))
    ws = Workspace.open(bank, BANK / "templates")
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "final.docx", workspace=ws)
    assert "L-doc-03" in {d.rule for d in caught.value.diagnostics}
    assert not (tmp_path / "final.docx").exists()
    draft = build(EXAMPLE, tmp_path / "draft.docx", workspace=ws, draft=True)
    assert "L-doc-03" in {w.rule for w in draft.warnings}
    # without the plain_language criterion there is no gate
    deal, _ = deal_with(tmp_path, "plain_language, ", "")
    assert build(deal, tmp_path / "free.docx", workspace=ws).output.is_file()


def test_the_criteria_schedule_lists_each_required_criterion_with_its_clause_numbers(tmp_path):
    from reading import paragraphs

    deal, _ = deal_with(
        tmp_path,
        "plain_english_summary: true",
        "plain_english_summary: true\ncriteria_schedule: true",
    )
    result = build(deal, tmp_path / "a.docx")
    assert result.warnings == []
    texts = [t for _, t in paragraphs(result.output.read_bytes())]
    start = texts.index("How this document meets the contracting criteria")
    rows = {t.split(":")[0]: t for t in texts[start + 2 : start + 20] if ": " in t}
    plan = result.plan
    meeting = [
        pc.number
        for pc in plan.clauses + plan.schedules
        if any(c.split(".")[0] == "plain_language" for c in pc.criteria)
    ]
    expected = ", ".join(n if n.startswith("Schedule") else f"clause {n}" for n in meeting)
    assert rows["Plain language"] == f"Plain language: {expected}."
