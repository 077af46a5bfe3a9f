"""An execution version is what the parties sign: it has no blanks."""

from __future__ import annotations

import re

import pytest

from assembler.api import build, check
from assembler.core.errors import AssemblerError

from conftest import EXAMPLE


def _execution_version(folder):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "status: draft_for_signature" in text
    deal = folder / "signing.yaml"
    deal.write_text(text.replace("status: draft_for_signature", "status: execution_version"))
    return deal, text


def test_every_blank_of_an_execution_version_is_an_error_at_its_line(tmp_path, workspace):
    deal, text = _execution_version(tmp_path)
    with pytest.raises(AssemblerError) as caught:
        build(deal, tmp_path / "x.docx", workspace=workspace)
    found = caught.value.diagnostics
    assert {d.rule for d in found} == {"E-blank-01"}
    assert all(d.file == str(deal) and d.line for d in found)
    # the approver placeholder of the service operations manual, at its own line
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "Alliance Management Board]" in t)
    assert line in {d.line for d in found}
    assert len(found) >= 10
    assert not (tmp_path / "x.docx").exists()
    # check says the same, and a draft build of the same sheet still builds
    assert {d.rule for d in check(deal, workspace).diagnostics if d.severity == "error"} == {
        "E-blank-01"
    }
    build(deal, tmp_path / "d.docx", workspace=workspace, draft=True)


def test_a_filled_execution_version_has_no_blank_finding(tmp_path, workspace):
    deal, text = _execution_version(tmp_path)
    before = deal.read_text()
    filled = re.sub(r"([\"'])\[([^\[\]\n\"']+)\]", r"\1\2", before)
    assert filled != before
    deal.write_text(filled)
    try:
        build(deal, tmp_path / "x.docx", workspace=workspace)
    except AssemblerError as exc:
        assert "E-blank-01" not in {d.rule for d in exc.diagnostics}, exc.diagnostics
