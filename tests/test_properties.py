"""Property tests: arbitrary input never raises anything but the engine's own error."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assembler.bank.fragment import import_fragment
from assembler.core.errors import AssemblerError
from assembler.deal.sheet import load_deal

from test_dealsheet import MINIMAL
from wordlike import docx_bytes

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deal.yaml"
        path.write_bytes(data)
        try:
            load_deal(path)
        except AssemblerError as exc:
            assert exc.diagnostics and all(d.rule for d in exc.diagnostics)


@FAST
@given(st.binary(max_size=400))
def test_any_bytes(data):
    _load(data)


@FAST
@given(st.integers(min_value=0, max_value=len(MINIMAL)), st.text(max_size=12))
def test_any_edit_of_a_valid_deal_sheet(position, insert):
    _load((MINIMAL[:position] + insert + MINIMAL[position:]).encode("utf-8"))


@FAST
@given(st.text(max_size=200))
def test_any_paragraph_text_in_a_fragment(text):
    from xml.sax.saxutils import escape

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.docx"
        body = f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>"
        try:
            path.write_bytes(docx_bytes(body))
        except ValueError:
            return  # text that XML cannot hold at all
        with contextlib.suppress(AssemblerError):
            import_fragment(path)


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_as_a_fragment(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.docx"
        path.write_bytes(data)
        with contextlib.suppress(AssemblerError):
            import_fragment(path)


@FAST
@given(st.text(max_size=300))
def test_any_text_as_document_xml(text):
    import io
    import zipfile

    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as package:
        package.writestr("word/document.xml", text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.docx"
        path.write_bytes(stream.getvalue())
        with contextlib.suppress(AssemblerError):
            import_fragment(path)
