"""Property tests: whatever the input, the engine either accepts it and keeps what it was given,
or refuses it with its own located error (a rule id, the file, and for a deal sheet the line)."""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assembler.bank.fragment import Fragment, import_fragment
from assembler.core.errors import AssemblerError
from assembler.deal.sheet import load_deal
from assembler.oxml.ns import WRAPPER_CLOSE, WRAPPER_OPEN, parse_xml
from assembler.oxml.text import text_of

from conftest import position_of
from test_dealsheet import MINIMAL
from wordlike import docx_bytes

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RULE = re.compile(r"[EW]-[a-z]+-[A-Z]?\d+")


def refused_where(exc: AssemblerError, path: Path, *, lines: bool) -> None:
    """Every diagnostic of a refusal has a rule id and names the file (and a line, if ``lines``)."""
    assert exc.diagnostics
    for d in exc.diagnostics:
        assert RULE.fullmatch(d.rule), d
        assert d.file == str(path), d
        assert d.line is not None or not lines, d


def _load(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deal.yaml"
        path.write_bytes(data)
        try:
            deal = load_deal(path)
        except AssemblerError as exc:
            refused_where(exc, path, lines=True)
            return
        assert deal.data["document_type"]  # accepted: a deal sheet of a known document type


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_as_a_deal_sheet(data: bytes) -> None:
    _load(data)


@FAST
@given(st.integers(min_value=0, max_value=len(MINIMAL)), st.text(max_size=12))
def test_any_edit_of_a_valid_deal_sheet(position: int, insert: str) -> None:
    _load((MINIMAL[:position] + insert + MINIMAL[position:]).encode("utf-8"))


#: YAML 1.1 reads these as line breaks even inside a quoted string, and folds them to a space.
YAML_BREAKS = "\x85\u2028\u2029"


@FAST
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters=YAML_BREAKS), max_size=40))
def test_a_name_in_a_deal_sheet_is_read_as_written(name: str) -> None:
    """A double-quoted YAML string (JSON's escapes) holds any text: the deal gives it back
    unchanged, or refuses it at its own line (a character YAML does not allow, say)."""
    text = MINIMAL.replace('name: "Trust"', f"name: {json.dumps(name, ensure_ascii=False)}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deal.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            deal = load_deal(path)
        except AssemblerError as exc:
            refused_where(exc, path, lines=True)
            return
    assert deal.data["parties"][1]["name"] == name


def _imported(path: Path) -> Fragment | None:
    """The fragment, or None when it was refused as it should be: by a located error."""
    try:
        return import_fragment(path)
    except AssemblerError as exc:
        refused_where(exc, path, lines=False)
        return None


@FAST
@given(st.text(alphabet=st.characters(exclude_characters="{}%#"), max_size=200))
def test_the_text_of_an_accepted_fragment_is_the_text_it_was_given(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.docx"
        body = f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        try:
            path.write_bytes(docx_bytes(body))
        except ValueError:
            return  # text that XML cannot hold at all
        fragment = _imported(path)
    if fragment is not None:  # the same words; a blank paragraph, or a line end, is a space
        printed = text_of(parse_xml(WRAPPER_OPEN + fragment.source + WRAPPER_CLOSE))
        assert printed.split() == text.split()


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_as_a_fragment(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.docx"
        path.write_bytes(data)
        assert _imported(path) is None  # (no bytes of that size are a Word package)


@FAST
@given(st.text(max_size=300))
def test_any_text_as_document_xml(text: str) -> None:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as package:
        package.writestr("word/document.xml", text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.docx"
        path.write_bytes(stream.getvalue())
        fragment = _imported(path)
    if fragment is not None:  # whatever is accepted is WordprocessingML the engine can read
        assert parse_xml(WRAPPER_OPEN + fragment.source + WRAPPER_CLOSE) is not None


def test_a_refusal_names_the_line_of_a_character_yaml_does_not_allow(tmp_path: Path) -> None:
    """Found by the properties above: the YAML reader gave only an offset in "<unicode string>"."""
    path = tmp_path / "deal.yaml"
    text = MINIMAL.replace("name: Alliance", "name: Al\x07liance")
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(AssemblerError) as refused:
        load_deal(path)
    [d] = refused.value.diagnostics
    assert (d.rule, d.file) == ("E-yaml-01", str(path))
    assert f"{d.line}:{d.col}" == position_of(text, "name: Al^\x07liance")
    assert "U+0007" in d.message
