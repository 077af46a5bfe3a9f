"""The house style's data (templates/house-style.yaml): a firm's own style ids through a map, and
the words of the parts the engine writes itself, both without a code change."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from assembler.api import build
from assembler.core.errors import AssemblerError

from conftest import BANK, EXAMPLE


def _templates(tmp_path: Path) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(BANK / "templates", templates)
    return templates


def _rename_in_docx(path: Path, old: str, new: str) -> None:
    """The firm's template: the style ``old`` is called ``new`` in its styles and list levels."""
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    for name in ("word/styles.xml", "word/numbering.xml"):
        parts[name] = parts[name].replace(f'"{old}"'.encode(), f'"{new}"'.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def _document(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").decode()


def _set(yaml_path: Path, key: str, value: str) -> None:
    text = yaml_path.read_text()
    text, count = re.subn(rf"(?m)^(\s*{key}):.*$", rf"\1: {value}", text)
    assert count == 1, key
    yaml_path.write_text(text)


def test_a_firms_own_style_ids_come_through_the_map(tmp_path: Path, assert_valid) -> None:
    templates = _templates(tmp_path)
    _rename_in_docx(templates / "house-style.docx", "ClauseHeading", "FirmHeading1")
    _set(templates / "house-style.yaml", "styles", "{ClauseHeading: FirmHeading1}")
    ours = build(EXAMPLE, tmp_path / "house.docx")
    firm = build(EXAMPLE, tmp_path / "firm.docx", templates=templates)
    text = _document(tmp_path / "firm.docx")
    assert 'w:val="FirmHeading1"' in text and 'w:val="ClauseHeading"' not in text
    # the numbers come from the firm's list, bound to its own style: the same as the house's
    assert [pc.number for pc in firm.plan.clauses] == [pc.number for pc in ours.plan.clauses]
    assert _document(tmp_path / "house.docx").count("REF _Ref") == text.count("REF _Ref")
    assert_valid(tmp_path / "firm.docx")


def test_a_house_style_missing_a_mapped_id_is_refused_naming_it(tmp_path: Path) -> None:
    templates = _templates(tmp_path)
    _set(templates / "house-style.yaml", "styles", "{ClauseHeading: FirmHeading1}")
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", templates=templates)
    [d] = caught.value.diagnostics
    assert d.rule == "E-style-01" and "FirmHeading1" in d.message
    assert not (tmp_path / "x.docx").exists()


def test_the_words_the_engine_writes_come_from_the_bank(tmp_path: Path) -> None:
    templates = _templates(tmp_path)
    data = templates / "house-style.yaml"
    _set(data, "contents", "Cynnwys")
    _set(data, "parties", "Partïon")
    _set(data, "schedule", '"Atodlen {number}"')
    _set(data, "clause_reference", "cymal")
    result = build(EXAMPLE, tmp_path / "x.docx", templates=templates)
    text = _document(tmp_path / "x.docx")
    assert "<w:t>Cynnwys</w:t>" in text and "<w:t>Partïon</w:t>" in text
    assert ">Contents<" not in text and ">Parties<" not in text
    assert [pc.number for pc in result.plan.schedules][:2] == ["Atodlen 1", "Atodlen 2"]
    assert "cymal " in text and ">clause <" not in text


def test_a_word_with_an_unknown_field_is_a_located_error(tmp_path: Path) -> None:
    templates = _templates(tmp_path)
    data = templates / "house-style.yaml"
    _set(data, "schedule", '"Schedule {numbr}"')
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", templates=templates)
    [d] = caught.value.diagnostics
    line = next(i for i, ln in enumerate(data.read_text().splitlines(), 1) if "{numbr}" in ln)
    assert (d.rule, d.file, d.line) == ("E-style-03", str(data), line)
    assert "{number}" in (d.hint or "")
    assert not (tmp_path / "x.docx").exists()


def test_a_bank_without_the_file_uses_the_house_banks_words(tmp_path: Path) -> None:
    templates = _templates(tmp_path)
    (templates / "house-style.yaml").unlink()
    build(EXAMPLE, tmp_path / "x.docx", templates=templates)
    assert "<w:t>Contents</w:t>" in _document(tmp_path / "x.docx")


def test_a_style_map_naming_a_style_the_engine_does_not_write_is_refused(tmp_path: Path) -> None:
    templates = _templates(tmp_path)
    data = templates / "house-style.yaml"
    _set(data, "styles", "{ClauseHeadng: Heading1}")
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", templates=templates)
    [d] = caught.value.diagnostics
    line = next(i for i, ln in enumerate(data.read_text().splitlines(), 1) if "ClauseHeadng" in ln)
    assert (d.rule, d.line) == ("E-style-03", line) and "ClauseHeadng" in d.message
