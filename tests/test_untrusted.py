"""Every command on every malformed input kind: exit 1 with a located diagnostic and a rule id,
no traceback, no input changed, nothing written (issue 18)."""

from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from assembler.cli.main import main

from conftest import EXAMPLE

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOCUMENT = f"<w:document {W}><w:body><w:p><w:r><w:t>Text.</w:t></w:r></w:p></w:body></w:document>"
RULE = re.compile(r"error E-[a-z]+-\d\d")


def package(members: list[tuple[str, bytes | str]]) -> bytes:
    stream = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name we want
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members:
                z.writestr(name, data)
    return stream.getvalue()


def with_lock(lock_text: str) -> bytes:
    item = f'<provenance xmlns="urn:assembler:provenance:1"><lock>{lock_text}</lock></provenance>'
    return package([("word/document.xml", DOCUMENT), ("customXml/item1.xml", item)])


GOOD_LOCK = {
    "lock_version": 1,
    "engine_version": "0.1.0",
    "deal": {"id": "x", "path": "deal.yaml", "sha256": "0" * 64},
    "bank": {"id": "b", "version": "1"},
    "document": {"type": "alliance_agreement", "title": "T", "draft": False, "deed": False},
    "slots": [],
}

DOCX_KINDS = {
    "not-a-zip": b"this is not a zip file at all",
    "empty-file": b"",
    "truncated": package([("word/document.xml", DOCUMENT)])[:70],
    "no-document-xml": package([("word/other.xml", "<x/>")]),
    "duplicate-document-xml": package(
        [("word/document.xml", DOCUMENT), ("word/document.xml", "<w:document/>")]
    ),
    "unsafe-member-name": package([("word/document.xml", DOCUMENT), ("../../evil.xml", "<x/>")]),
    "doctype-after-long-comment": package(
        [
            (
                "word/document.xml",
                "<!--" + "x" * 10_000 + '--><!DOCTYPE d [<!ENTITY e "e">]><d>&e;</d>',
            )
        ]
    ),
    "utf16-doctype": package(
        [
            (
                "word/document.xml",
                '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>'.encode(
                    "utf-16"
                ),
            )
        ]
    ),
    "truncated-xml": package([("word/document.xml", DOCUMENT[:50])]),
    "zip-bomb": package([("word/document.xml", " " * 30_000_000)]),
    "empty-embedded-lock": with_lock(""),
    "damaged-embedded-lock": with_lock("{not json"),
    "lock-missing-keys": with_lock(json.dumps({"lock_version": 1})),
    "lock-wrong-types": with_lock(json.dumps({**GOOD_LOCK, "slots": "none", "deal": []})),
}

COMMANDS = {
    "verify": lambda doc, out: ["verify", str(doc)],
    "lint": lambda doc, out: ["lint", str(doc)],
    "build-locked": lambda doc, out: ["build", "--locked", str(doc), "-o", str(out / "a.docx")],
    "vary": lambda doc, out: ["vary", str(doc), str(EXAMPLE), "-o", str(out / "v.docx")],
    "fragment": lambda doc, out: ["fragment", str(doc), "-o", str(out / "f.txt")],
}

#: A document without a lock has nothing to verify, vary or rebuild from; it can still be linted
#: or turned into text (a fragment), so those two may succeed, or refuse for another reason.
MAY_SUCCEED = {
    ("lint", "empty-embedded-lock"),
    ("lint", "damaged-embedded-lock"),
    ("lint", "lock-missing-keys"),
    ("lint", "lock-wrong-types"),
    ("fragment", "empty-embedded-lock"),
    ("fragment", "damaged-embedded-lock"),
    ("fragment", "lock-missing-keys"),
    ("fragment", "lock-wrong-types"),
}


def assert_refused(argv: list[str], inputs: list[Path], out: Path) -> str:
    before = {p: p.read_bytes() for p in inputs}
    result = CliRunner().invoke(main, argv)
    text = result.output
    assert result.exit_code == 1, text
    assert isinstance(result.exception, SystemExit) and "Traceback" not in text, text
    assert RULE.search(text), text
    assert str(inputs[0]) in text, text  # located: the file is named
    assert {p: p.read_bytes() for p in inputs} == before
    assert not out.exists() or not any(out.iterdir())
    return text


@pytest.mark.parametrize("kind", sorted(DOCX_KINDS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.slow(keep_first=True)
def test_every_command_refuses_every_malformed_document(tmp_path, command, kind):
    doc = tmp_path / "signed.docx"
    doc.write_bytes(DOCX_KINDS[kind])
    out = tmp_path / "out"
    argv = COMMANDS[command](doc, out)
    if (command, kind) in MAY_SUCCEED:
        result = CliRunner().invoke(main, argv)
        assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output
        assert result.exit_code == 0 or RULE.search(result.output), result.output
        return
    assert_refused(argv, [doc], out)


LOCK_KINDS = {
    "not-a-mapping": "- a\n- b\n",
    "wrong-version": "lock_version: 7\nslots: []\n",
    "missing-keys": "lock_version: 1\nslots: []\n",
    "wrong-types": json.dumps({**GOOD_LOCK, "slots": [{"slot": 1}], "document": "x"}),
    "slot-not-a-mapping": json.dumps({**GOOD_LOCK, "slots": ["x"]}),
    "deal-outside": json.dumps({**GOOD_LOCK, "deal": {**GOOD_LOCK["deal"], "path": "/etc/passwd"}}),
    "deal-elsewhere": json.dumps(
        {**GOOD_LOCK, "deal": {**GOOD_LOCK["deal"], "path": "../../../../../etc/hostname"}}
    ),
}


@pytest.mark.parametrize("kind", sorted(LOCK_KINDS))
@pytest.mark.parametrize("command", ["build-locked", "vary"])
def test_every_lock_command_refuses_every_malformed_lock(tmp_path, command, kind, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a lock may name files in the current folder: here, none
    lock = tmp_path / "signed.lock.yaml"
    lock.write_text(LOCK_KINDS[kind])
    out = tmp_path / "out"
    text = assert_refused(COMMANDS[command](lock, out), [lock], out)
    assert "root:" not in text  # nothing of a file outside is echoed


def test_a_wrong_type_in_a_lock_is_located_at_its_line(tmp_path):
    lock = tmp_path / "a.lock.yaml"
    text = json.dumps({**GOOD_LOCK, "document": {**GOOD_LOCK["document"], "draft": "no"}}, indent=1)
    lock.write_text(text)
    line = text.splitlines().index(next(x for x in text.splitlines() if '"draft"' in x)) + 1
    out = tmp_path / "out"
    result = assert_refused(COMMANDS["build-locked"](lock, out), [lock], out)
    assert f"a.lock.yaml:{line}:" in result and "E-lock-04" in result
    assert "document.draft: expected true or false" in result


# -- outputs ---------------------------------------------------------------------------------------


def built(tmp_path: Path) -> Path:
    out = tmp_path / "signed.docx"
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(autouse=True)
def _valid_outputs(tmp_path, assert_valid):
    """Every .docx a test here leaves behind is a valid package."""
    yield
    for docx in tmp_path.rglob("*.docx"):
        if docx.with_name(docx.stem + ".lock.yaml").exists():  # written by the engine
            assert_valid(docx)


@pytest.mark.slow
def test_a_rebuild_onto_its_own_signed_copy_is_refused(tmp_path):
    signed = built(tmp_path)
    before = signed.read_bytes()
    result = CliRunner().invoke(main, ["build", "--locked", str(signed), "-o", str(signed)])
    assert result.exit_code == 1 and "E-out-02" in result.output, result.output
    assert signed.read_bytes() == before


def test_an_output_whose_lock_is_the_deal_sheet_is_refused(tmp_path):
    deal = tmp_path / "x.lock.yaml"
    deal.write_bytes(EXAMPLE.read_bytes())
    result = CliRunner().invoke(main, ["build", str(deal), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 1 and "E-out-02" in result.output, result.output
    assert deal.read_bytes() == EXAMPLE.read_bytes()
    assert not (tmp_path / "x.docx").exists()


def test_a_folder_at_the_lock_path_leaves_nothing(tmp_path):
    (tmp_path / "a.lock.yaml").mkdir()
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(tmp_path / "a.docx")])
    assert result.exit_code == 1 and "E-out-01" in result.output
    assert not (tmp_path / "a.docx").exists()


def test_outputs_take_their_mode_from_the_umask(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        out = built(tmp_path)
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644
    assert out.with_name("signed.lock.yaml").stat().st_mode & 0o777 == 0o644


@pytest.mark.slow
def test_vary_refuses_a_conformed_copy_that_is_the_signed_original(tmp_path):
    signed = tmp_path / "v-conformed.docx"
    signed.write_bytes(built(tmp_path).read_bytes())
    before = signed.read_bytes()
    result = CliRunner().invoke(
        main, ["vary", str(signed), str(EXAMPLE), "-o", str(tmp_path / "v.docx")]
    )
    assert result.exit_code == 1 and "E-out-02" in result.output, result.output
    assert signed.read_bytes() == before and not (tmp_path / "v.docx").exists()


@pytest.mark.slow
def test_vary_refuses_a_deed_sheet_that_is_the_new_deal_sheet(tmp_path):
    signed = built(tmp_path)
    deal = tmp_path / "v.deal.yaml"
    deal.write_bytes(EXAMPLE.read_bytes())
    result = CliRunner().invoke(
        main, ["vary", str(signed), str(deal), "-o", str(tmp_path / "v.docx")]
    )
    assert result.exit_code == 1 and "E-out-02" in result.output, result.output
    assert deal.read_bytes() == EXAMPLE.read_bytes()


@pytest.mark.parametrize("command", ["vary", "new", "fragment"])
def test_a_file_on_the_output_path_is_located(tmp_path, command):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    draft = tmp_path / "draft.txt"
    draft.write_text("1.1 Text.\n")
    argv = {
        "vary": ["vary", str(EXAMPLE), str(EXAMPLE), "-o", str(blocker / "v.docx")],
        "new": ["new", "alliance_agreement", "-o", str(blocker / "n.yaml")],
        "fragment": ["fragment", str(draft), "-o", str(blocker / "f.docx")],
    }[command]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1 and "E-out-04" in result.output, result.output
    assert str(blocker) in result.output and "Traceback" not in result.output
    assert blocker.read_text() == "a file"


def test_fragment_refuses_to_overwrite_its_draft_and_reads_latin1_as_an_error(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("1.1 Text.\n")
    result = CliRunner().invoke(main, ["fragment", str(draft), "-o", str(draft)])
    assert result.exit_code == 1 and "E-out-02" in result.output
    assert draft.read_text() == "1.1 Text.\n"
    draft.write_bytes("1.1 First.\n1.1 Caf\u00e9.\n".encode("latin-1"))
    result = CliRunner().invoke(main, ["fragment", str(draft), "-o", str(tmp_path / "f.docx")])
    assert result.exit_code == 1 and "E-file-04" in result.output and "draft.txt:2" in result.output


def test_batch_refuses_to_overwrite_a_deal_sheet_named_like_a_lock(tmp_path):
    deals = tmp_path / "deals"
    deals.mkdir()
    (deals / "a.yaml").write_bytes(EXAMPLE.read_bytes())
    (deals / "a.lock.yaml").write_bytes(EXAMPLE.read_bytes())
    result = CliRunner().invoke(main, ["batch", str(deals), "-o", str(deals), "-j", "1"])
    assert result.exit_code == 1 and "E-out-02" in result.output, result.output
    assert (deals / "a.lock.yaml").read_bytes() == EXAMPLE.read_bytes()
    assert not (deals / "a.docx").exists()


@pytest.mark.slow
def test_batch_can_build_into_its_own_folder_again(tmp_path):
    deals = tmp_path / "deals"
    deals.mkdir()
    (deals / "a.yaml").write_bytes(EXAMPLE.read_bytes())
    for _ in range(2):
        result = CliRunner().invoke(main, ["batch", str(deals), "-o", str(deals), "-j", "1"])
        assert result.exit_code == 0, result.output
        assert "1 built, 0 failed" in result.output


def test_lint_of_a_document_the_engine_did_not_build_measures_nothing_it_cannot(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("A letter in the default style. It has two sentences.")
    path = tmp_path / "letter.docx"
    document.save(str(path))
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 0, result.output
    assert "reading ease 0.0" not in result.output and "L-doc-03" not in result.output


# -- every command on every malformed deal sheet ----------------------------------------------------

GOOD_TEXT = EXAMPLE.read_text()
DEAL_KINDS: dict[str, bytes] = {
    "empty": b"",
    "not-utf8": b"deal_id: \xff\xfe\n",
    "a-list": b"- a\n- b\n",
    "syntax": b"deal_id: [1,\n",
    "too-big": b"# " + b"x" * 1_100_000 + b"\n",
    "too-deep": b"a: " + b"[" * 50 + b"]" * 50 + b"\n",
    "marker-in-name": GOOD_TEXT.replace(
        'name: "[Council]"', 'name: "\\ue000R\\ue001x\\ue002"', 1
    ).encode(),
    "bidi-in-id": GOOD_TEXT.replace("{id: la,", '{id: "l\\u202ea",', 1).encode(),
    "unknown-type": GOOD_TEXT.replace(
        "document_type: alliance_agreement", "document_type: x"
    ).encode(),
}
DEAL_COMMANDS = {
    "check": lambda deal, out: ["check", str(deal)],
    "build": lambda deal, out: ["build", str(deal), "-o", str(out / "a.docx")],
    "lint": lambda deal, out: ["lint", str(deal)],
    "batch": lambda deal, out: ["batch", str(deal), "-o", str(out), "-j", "1"],
    "pack": lambda deal, out: ["pack", str(deal), str(deal.with_name("rows.csv")), "-o", str(out)],
}


@pytest.mark.parametrize("kind", sorted(DEAL_KINDS))
@pytest.mark.parametrize("command", sorted(DEAL_COMMANDS))
@pytest.mark.slow(keep_first=True)
def test_every_command_refuses_every_malformed_deal_sheet(tmp_path, command, kind):
    assert "document_type: alliance_agreement" in GOOD_TEXT
    folder = tmp_path / "in"
    folder.mkdir()
    deal = folder / "deal.yaml"
    deal.write_bytes(DEAL_KINDS[kind])
    (folder / "rows.csv").write_text("code,title\np1,A title\n")
    out = tmp_path / "out"
    assert_refused(DEAL_COMMANDS[command](deal, out), [deal, folder / "rows.csv"], out)


def test_a_fault_in_the_engine_is_reported_without_a_traceback(monkeypatch):
    from assembler.pipeline import stages

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(stages, "load_deal", broken)
    result = CliRunner().invoke(main, ["check", str(EXAMPLE)])
    assert result.exit_code == 70 and "E-internal-01" in result.output
    assert "ZeroDivisionError: a bug" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_concurrent_builds_of_one_output_never_mix_two_deals(tmp_path):
    """The .docx and its lock are written under one folder lock: whichever build finishes last,
    the pair on disk is from the same deal."""
    import hashlib
    import subprocess
    import sys

    from assembler.package.provenance import read_lock

    other = EXAMPLE.with_name("over-65s-alliance-year2.yaml")
    out = tmp_path / "a.docx"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "assembler", "build", str(deal), "-o", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for deal in (EXAMPLE, other)
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    lock = json.loads(out.with_name("a.lock.yaml").read_text().split("\n", 1)[1])
    assert lock["deal"]["sha256"] == read_lock(out)["deal"]["sha256"]
    assert lock["document"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.lock.yaml"]


@pytest.mark.slow
def test_a_failed_export_takes_the_build_back(tmp_path, monkeypatch):
    """The .docx, its lock and its exports are one transaction: an export that fails leaves the
    folder as it was, an earlier build's files included."""
    from assembler.core.errors import AssemblerError, Diagnostic
    from assembler.package import export

    out = built(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def failing(rendered, title, docx, fmt):
        raise AssemblerError(Diagnostic("E-export-02", "the review export failed", str(docx)))

    monkeypatch.setattr(export, "write_review", failing)
    other = EXAMPLE.with_name("over-65s-alliance-year2.yaml")
    result = CliRunner().invoke(main, ["build", str(other), "-o", str(out), "--format", "md"])
    assert result.exit_code == 1 and "E-export-02" in result.output
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
