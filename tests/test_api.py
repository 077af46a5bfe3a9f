"""The Python API a user imports: a deal sheet as a path or as data, to a file or to bytes; check,
lint, vary, batch and export; bad input as an AssemblerError carrying located diagnostics; and
every example of the README's "Python API" section, run as written."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import assembler
from assembler.oxml.ns import parse_xml
from assembler.oxml.text import text_of

from conftest import BANK, ROOT

MOU = BANK / "examples" / "ooh-transformation-mou.yaml"


def data_of(path: Path) -> dict[str, Any]:
    """A deal sheet's data, as a program would hold it (dates as dates)."""
    loaded: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return loaded


def body_text(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return text_of(parse_xml(package.read("word/document.xml")))


def test_a_deal_as_data_builds_the_document_its_file_builds(tmp_path, workspace, assert_valid):
    from_file = assembler.build(MOU, tmp_path / "file.docx", workspace=workspace)
    data = assembler.build_bytes(data_of(MOU), workspace=workspace)
    written = tmp_path / "data.docx"
    written.write_bytes(data)
    assert_valid(written)
    with zipfile.ZipFile(io.BytesIO(data)) as a, zipfile.ZipFile(from_file.output) as b:
        assert a.read("word/document.xml") == b.read("word/document.xml")
    assert "Memorandum of Understanding" in body_text(data)
    assert data == assembler.build_bytes(data_of(MOU), workspace=workspace)  # same bytes again


def test_bytes_are_built_writing_nothing(tmp_path, workspace, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = assembler.build_bytes(MOU, workspace=workspace)
    assert data.startswith(b"PK") and list(tmp_path.iterdir()) == []


def test_a_deal_as_data_is_written_with_a_lock_naming_no_file(tmp_path, workspace):
    result = assembler.build(data_of(MOU), tmp_path / "mou.docx", workspace=workspace)
    lock = json.loads(result.lock.read_text().split("\n", 1)[1])
    assert lock["deal"]["path"] == "<deal>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mou.docx", "mou.lock.yaml"]


def test_bad_data_is_an_error_naming_the_key_and_rule(tmp_path, workspace):
    deal = data_of(MOU)
    deal["effective_date"] = "2026-02-30"
    with pytest.raises(assembler.AssemblerError) as raised:
        assembler.build(deal, tmp_path / "x.docx", workspace=workspace)
    found = raised.value.diagnostics
    assert [(d.rule, d.file) for d in found] == [("E-type-02", "<deal>")]
    assert "effective_date" in found[0].message and found[0].line is not None
    assert list(tmp_path.iterdir()) == []


def test_check_of_data_fails_as_the_build_would(workspace):
    deal = data_of(MOU)
    assert assembler.check(deal, workspace).diagnostics == []
    deal["criteria"] = ["no_such_criterion"]
    result = assembler.check(deal, workspace)
    assert [d.rule for d in result.diagnostics if d.severity == "error"] == ["E-crit-02"]
    assert result.coverage_json()[0]["criterion"] == "no_such_criterion"


def test_lint_of_a_deal_sheet_is_the_lint_of_the_document_it_builds(tmp_path, workspace):
    built = assembler.build(MOU, tmp_path / "mou.docx", workspace=workspace, draft=True)
    of_deal = assembler.lint(MOU, workspace)
    of_docx = assembler.lint(built.output, workspace)
    assert of_deal.report.as_json() == of_docx.report.as_json()
    assert of_deal.report.document.sentences > 20
    assert [d.rule for d in of_deal.diagnostics] == [d.rule for d in of_docx.diagnostics]
    assert assembler.lint(data_of(MOU), workspace).report.as_json() == of_deal.report.as_json()


def test_export_of_a_result_and_of_its_docx_agree(tmp_path, workspace):
    result = assembler.build(MOU, tmp_path / "mou.docx", workspace=workspace)
    md = assembler.export(result, "md", workspace=workspace)
    first = md.read_text()
    md.unlink()
    again = assembler.export(result.output, "md", workspace=workspace)  # rebuilt from its lock
    assert again == tmp_path / "mou.md" and again.read_text() == first
    assert "Memorandum of Understanding" in first
    html = assembler.export(result.output, "html", workspace=workspace)
    assert html.read_text().startswith("<!DOCTYPE html>")


def test_export_refuses_an_unknown_format_and_an_input_as_output(tmp_path, workspace):
    result = assembler.build(MOU, tmp_path / "mou.docx", workspace=workspace)
    with pytest.raises(assembler.AssemblerError) as raised:
        assembler.export(result, "rtf")
    assert raised.value.diagnostics[0].rule == "E-cli-01"


def test_build_checks_every_output_once_before_any_work(tmp_path, workspace):
    """A review copy that would overwrite the deal sheet stops the build before anything is
    written (the check the command line once made a second time)."""
    deal = tmp_path / "mou.md"
    deal.write_bytes(MOU.read_bytes())
    with pytest.raises(assembler.AssemblerError) as raised:
        assembler.build(deal, tmp_path / "mou.docx", workspace=workspace, formats=["md"])
    assert raised.value.diagnostics[0].file == str(tmp_path / "mou.md")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mou.md"]
    with pytest.raises(assembler.AssemblerError):
        assembler.build(MOU, tmp_path / "x.docx", workspace=workspace, formats=["rtf"])


def test_batch_gives_an_outcome_per_deal_sheet_in_their_order(tmp_path, workspace):
    bad = tmp_path / "bad.yaml"
    bad.write_text("document_type: memorandum_of_understanding\n")
    outcomes = assembler.batch([MOU, bad], tmp_path / "out", jobs=1, workspace=workspace)
    assert [(o.deal, o.ok) for o in outcomes] == [(MOU, True), (bad, False)]
    assert outcomes[0].output == tmp_path / "out" / "ooh-transformation-mou.docx"
    assert "E-key-02" in outcomes[1].errors[0]
    assert outcomes[1].to_json()["ok"] is False


def test_batch_of_nothing_is_an_error():
    with pytest.raises(assembler.AssemblerError) as raised:
        assembler.batch([], "out")
    assert raised.value.diagnostics[0].rule == "E-batch-01"


def test_the_package_offers_the_api_names_and_nothing_else():
    assert assembler.build is assembler.api.build and assembler.vary is assembler.api.vary
    for name in assembler.__all__:
        assert getattr(assembler, name) is getattr(assembler.api, name)
    with pytest.raises(AttributeError):
        assembler.no_such_name  # noqa: B018


def test_a_starter_deal_sheet_checks_as_a_draft_and_is_never_overwritten(tmp_path, workspace):
    target, schema = assembler.new_deal("memorandum_of_understanding", tmp_path / "mou.yaml")
    assert schema == tmp_path / "memorandum_of_understanding.schema.json" and schema.is_file()
    assert target == tmp_path / "mou.yaml" and "document_type: memorandum_of_understanding" in (
        target.read_text()
    )
    assert not [
        d
        for d in assembler.check(target, workspace, draft=True).diagnostics
        if d.severity == "error"
    ]
    for document_type, rule in (("memorandum_of_understanding", "E-out-05"), ("mou", "E-doc-01")):
        with pytest.raises(assembler.AssemblerError) as raised:
            assembler.new_deal(document_type, target)
        assert raised.value.diagnostics[0].rule == rule


# -- the README's examples ---------------------------------------------------------------------


def readme_examples() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_readme_shows_an_example_of_each_function():
    shown = "\n".join(readme_examples())
    for name in ("build", "build_bytes", "check", "lint", "vary", "batch", "export"):
        assert f"assembler.{name}(" in shown, name


@pytest.mark.parametrize("index", range(len(readme_examples())))
@pytest.mark.slow(keep_first=True)
def test_the_readme_example_runs_as_written(index, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(BANK / "examples")
    exec(compile(readme_examples()[index], f"README example {index + 1}", "exec"), {})
    assert capsys.readouterr().out.strip()


def test_deal_schema_is_the_json_schema_every_example_of_its_type_meets():
    import jsonschema
    from ruamel.yaml import YAML

    from conftest import BANK

    schema = assembler.deal_schema("memorandum_of_understanding")
    deal = YAML(typ="safe").load(BANK / "examples" / "ooh-transformation-mou.yaml")
    jsonschema.Draft202012Validator(schema).validate(deal)
    with pytest.raises(assembler.AssemblerError) as raised:
        assembler.deal_schema("memorandum")
    assert raised.value.diagnostics[0].rule == "E-doc-01"
