"""Hostile and broken input: a located error with a rule id, exit 1, no traceback, nothing written,
no input modified (issue: hostile and broken input)."""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from assembler.bank.authoring import fragment_from_draft
from assembler.cli.main import main
from assembler.render import templates

from conftest import BANK, EXAMPLE, copy_bank, libreoffice_resave, needs_soffice, position_of

GOOD = EXAMPLE.read_text()


def refuse(tmp_path: Path, rule: str, where: str, *args: str, deal: Path | None = None) -> str:
    """Run a build that must fail; return its output."""
    out = tmp_path / "out" / "agreement.docx"
    inputs = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    argv = ["build", str(deal) if deal else str(EXAMPLE), "-o", str(out), *args]
    result = CliRunner().invoke(main, argv, catch_exceptions=False)
    text = result.output
    assert result.exit_code == 1, text
    assert rule in text, text
    assert where in text, text
    assert "Traceback" not in text and "nothing was written" in text
    assert not out.exists() and not (tmp_path / "out" / "agreement.lock.yaml").exists()
    assert {p: p.read_bytes() for p in inputs} == inputs  # no input touched
    return text


def deal_file(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "deal.yaml"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# -- deal sheets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "rule", "where"),
    [
        ("deal_id: [1,\n", "E-yaml-01", "deal.yaml:2:1"),
        ("deal_id: x\n\tdocument_type: y\n", "E-yaml-01", "deal.yaml:2:1"),
        ("deal_id: x\ndeal_id: y\n", "E-yaml-02", "deal.yaml:2:1"),
        (b"deal_id: \xff\xfe\n", "E-yaml-04", "deal.yaml:1"),
        ("", "E-yaml-03", "deal.yaml:1:1"),
        ("- just\n- a list\n", "E-yaml-03", "deal.yaml:1:1"),
    ],
    ids=["invalid-yaml", "tabs", "duplicate-key", "not-utf8", "empty", "list-not-mapping"],
)
def test_broken_yaml(tmp_path, content, rule, where):
    refuse(tmp_path, rule, where, deal=deal_file(tmp_path, content))


def test_billion_laughs(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    refuse(tmp_path, "E-yaml-06", "deal.yaml", deal=deal_file(tmp_path, "\n".join(lines) + "\n"))


def test_very_deep_nesting(tmp_path):
    text = "deal_id: " + "[" * 200 + "]" * 200 + "\n"
    refuse(tmp_path, "E-yaml-07", "deal.yaml", deal=deal_file(tmp_path, text))


def test_a_control_character_spelt_as_a_yaml_escape_is_refused_at_its_line(tmp_path):
    """YAML refuses a raw NUL but "\\u0000" spells one; a Word document cannot hold it."""
    text = EXAMPLE.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    deal = deal_file(tmp_path, text.replace(title, 'title: "Alliance\\u0000Agreement"'))
    out = refuse(tmp_path, "E-type-03", "deal.yaml", deal=deal)
    assert f"deal.yaml:{text.splitlines().index(title) + 1}:" in out


def test_nesting_deep_enough_to_overflow_the_c_stack_is_refused_not_a_crash(tmp_path):
    """libyaml composes recursively in C: 100,000 brackets would crash the process (SIGSEGV), so
    depth is checked on the parser's events first. Run in a subprocess so a crash fails the test
    rather than ending the test run."""
    import subprocess
    import sys

    deal = deal_file(tmp_path, "deal_id: " + "[" * 100_000 + "]" * 100_000 + "\n")
    run = subprocess.run(
        [sys.executable, "-m", "assembler", "check", str(deal)], capture_output=True, text=True
    )
    assert run.returncode == 1, (run.returncode, run.stderr[-500:])
    assert "E-yaml-07" in run.stdout + run.stderr and "deal.yaml:1:" in run.stdout + run.stderr


def test_a_byte_order_mark_is_fine(tmp_path):
    deal = deal_file(tmp_path, b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    result = CliRunner().invoke(main, ["build", str(deal), "-o", str(tmp_path / "a.docx")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("old", "new", "rule", "where"),
    [
        ("parties:\n", "parties: {id: x}\nold_parties:\n", "E-type-01", "parties: ^{id: x}"),
        (
            "effective_date: 2017-04-01",
            "effective_date: 2026-02-30",
            "E-type-02",
            "effective_date: ^2026",
        ),
        ("year1_gbp: 200000000", "year1_gbp: -5", "E-value-02", "year1_gbp: ^-5"),
        (
            "effective_date: 2017-04-01",
            'effective_date: "[date]"',
            "E-date-02",
            'effective_date: ^"[date]"',
        ),
        (
            "document_type: alliance_agreement",
            "document_type: joint_venture",
            "E-doc-01",
            "document_type: ^joint_venture",
        ),
        ("provider: mh_ft}", "provider: mh_trust}", "E-ref-01", "provider: ^mh_trust}"),
        ("choices:", "pins: {scope: 9.9.9}\nchoices:", "E-bank-05", "{scope: ^9.9.9}"),
        ("choices:", "pins: {../../etc/passwd: 1.0.0}\nchoices:", "E-type-01", "pins: {^../../etc"),
        (
            "choices:",
            "pins: {no-such-clause: 1.0.0}\nchoices:",
            "E-plan-03",
            "no-such-clause: ^1.0.0}",
        ),
    ],
    ids=[
        "list-where-mapping",
        "impossible-date",
        "negative-money",
        "placeholder-date",
        "unknown-type",
        "undeclared-party",
        "pin-missing-version",
        "pin-path-outside-bank",
        "pin-unknown-clause",
    ],
)
@pytest.mark.slow(keep_first=True)
def test_bad_values(tmp_path, old, new, rule, where):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    where = "deal.yaml:" + position_of(text, where)
    refuse(tmp_path, rule, where, deal=deal_file(tmp_path, text))


# -- templates -------------------------------------------------------------------------------------


def unrecord_hash(bank: Path, clause_id: str) -> None:
    """Forget the recorded hash, as for a fragment that was never approved with this content."""
    meta = bank / "clauses" / clause_id / "clause.yaml"
    meta.write_text(re.sub(r", sha256: [0-9a-f]{64}", "", meta.read_text()))


def bank_with(tmp_path: Path, draft: str | None = None, fragment: bytes | None = None) -> Path:
    bank = copy_bank(tmp_path)
    unrecord_hash(bank, "relationship")
    target = bank / "clauses" / "relationship" / "1.0.0.docx"
    target.write_bytes(
        fragment
        if fragment is not None
        else fragment_from_draft(draft or "", BANK / "templates" / "house-style.docx")
    )
    return bank


@pytest.mark.parametrize(
    ("draft", "rule", "where"),
    [
        ("1.1 {{ ''.__class__.__mro__ }}", "E-tmpl-03", "relationship"),
        ("1.1 {{ cycler.__init__.__globals__ }}", "E-tmpl-03", "relationship"),
        ("1.1 {{ self._TemplateReference__context }}", "E-tmpl-03", "relationship"),
        ("1.1 {% for x in range(10**12) %}x{% endfor %}", "E-tmpl-04", "relationship"),
        ("1.1 {{ 'x' * 10**9 }}", "E-tmpl-03", "relationship"),
        ("1.1 {% for a in range(50000) %}{{ 'x' * 100 }}{% endfor %}", "E-tmpl-07", "relationship"),
        ("1.1 {% if deal.title %}unclosed", "E-tmpl-02", "relationship@1.0.0, paragraph 1"),
        ("1.1 {{ deal.title|no_such_filter }}", "E-tmpl-02", "No filter named 'no_such_filter'"),
    ],
    ids=[
        "mro",
        "globals",
        "template-reference",
        "huge-range",
        "huge-string",
        "huge-output",
        "unbalanced-if",
        "undefined-filter",
    ],
)
@pytest.mark.slow(keep_first=True)
def test_hostile_templates(tmp_path, draft, rule, where):
    refuse(tmp_path, rule, where, "--bank", str(bank_with(tmp_path, draft)))


@pytest.mark.slow
def test_a_loop_that_never_ends_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(templates, "MAX_RENDER_SECONDS", 0.5)
    draft = "1.1 {% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    refuse(tmp_path, "E-tmpl-06", "relationship", "--bank", str(bank_with(tmp_path, draft)))


# -- fragments -------------------------------------------------------------------------------------


def package(parts: dict[str, bytes | str]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return stream.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def body(xml: str) -> bytes:
    return package({"word/document.xml": f"<w:document {W}><w:body>{xml}</w:body></w:document>"})


@pytest.mark.parametrize(
    ("fragment", "rule"),
    [
        (b"this is not a zip", "E-frag-04"),
        (body("<w:p/>")[:60], "E-frag-04"),
        (package({"word/other.xml": "<x/>"}), "E-frag-03"),
        (
            package(
                {
                    "word/document.xml": "<w:document "
                    + W
                    + "><w:body>"
                    + "<w:p/>" * 4_000_000
                    + "</w:body></w:document>"
                }
            ),
            "E-frag-02",
        ),
        (
            package(
                {
                    "word/document.xml": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
                }
            ),
            "E-frag-05",
        ),
        (
            package(
                {
                    "word/document.xml": '<!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><d>&b;</d>'
                }
            ),
            "E-frag-05",
        ),
        (body("<w:p><w:r><w:drawing/></w:r></w:p>"), "E-frag-09"),
        (body('<w:p><w:r><w:footnoteReference w:id="1"/></w:r></w:p>'), "E-frag-09"),
        (body('<w:customXml w:element="x"><w:p/></w:customXml>'), "E-frag-07"),
    ],
    ids=[
        "not-zip",
        "truncated-zip",
        "no-document-xml",
        "zip-bomb",
        "xxe",
        "entity-expansion",
        "image",
        "footnote",
        "custom-xml",
    ],
)
@pytest.mark.slow(keep_first=True)
def test_broken_and_hostile_fragments(tmp_path, fragment, rule):
    refuse(
        tmp_path,
        rule,
        "relationship/1.0.0.docx",
        "--bank",
        str(bank_with(tmp_path, fragment=fragment)),
    )


@pytest.mark.slow
def test_comments_and_tracked_changes_in_a_fragment_are_handled(tmp_path):
    xml = (
        '<w:p><w:pPr><w:pStyle w:val="Clause2"/></w:pPr><w:commentRangeStart w:id="0"/>'
        '<w:r><w:t xml:space="preserve">The Parties are </w:t></w:r>'
        '<w:del w:id="1" w:author="A"><w:r><w:delText>not </w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="A"><w:r><w:t>independent.</w:t></w:r></w:ins>'
        '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>'
    )
    bank = bank_with(tmp_path, fragment=body(xml))
    out = tmp_path / "a.docx"
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out), "--bank", str(bank)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as z:
        document = z.read("word/document.xml").decode()
    assert (
        "The Parties are independent." in document
        and "not " not in document.split("Relationship")[1][:2000]
    )


@needs_soffice()
def test_a_fragment_saved_by_libreoffice_is_accepted(tmp_path):

    original = BANK / "clauses" / "relationship" / "1.0.0.docx"
    work = tmp_path / "lo"
    work.mkdir()
    shutil.copy(original, work / "in.docx")
    resaved = libreoffice_resave(work / "in.docx", tmp_path)
    saved = resaved.read_bytes()
    bank = bank_with(tmp_path, fragment=saved)
    out = tmp_path / "a.docx"
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out), "--bank", str(bank)])
    assert result.exit_code == 0, result.output
    import docx

    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert any("Nothing in this Agreement creates a partnership" in t for t in texts)


# -- outputs ---------------------------------------------------------------------------------------


def test_output_in_a_folder_that_is_a_file(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("I am a file")
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(blocker / "a.docx")])
    assert (
        result.exit_code == 1
        and "E-out-04" in result.output
        and blocker.read_text() == "I am a file"
    )


@pytest.mark.slow
def test_a_full_disk_keeps_the_previous_output(tmp_path, monkeypatch):
    out = tmp_path / "a.docx"
    assert CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out)]).exit_code == 0
    before = out.read_bytes()

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.fsync", full)
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out)])
    assert (
        result.exit_code == 1 and "E-out-04" in result.output and "No space left" in result.output
    )
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.lock.yaml"]


@pytest.mark.slow
def test_an_interrupted_write_keeps_the_previous_output(tmp_path, monkeypatch):
    from assembler.core import files

    out = tmp_path / "a.docx"
    assert CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out)]).exit_code == 0
    before = out.read_bytes()
    real_replace = files.os.replace

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    from assembler.api import build

    with pytest.raises(KeyboardInterrupt):
        build(EXAMPLE, out)
    monkeypatch.setattr(files.os, "replace", real_replace)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.lock.yaml"]


def test_debug_shows_the_traceback(tmp_path):
    deal = deal_file(tmp_path, "")
    result = CliRunner().invoke(
        main, ["--debug", "build", str(deal), "-o", str(tmp_path / "a.docx")]
    )
    assert result.exit_code != 0 and result.exception is not None


# -- characters in deal values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("needle", "replacement", "rule"),
    [
        ('name: "[Council]"', 'name: ^"[Coun\\ue000M\\ue001x\\ue002cil]"', "E-char-01"),
        ('name: "[Council]"', 'name: ^"[Coun\\u202elic]"', "E-char-02"),
        ('name: "[Council]"', 'name: ^"[Coun\\u200bcil]"', "E-char-02"),
        ("{id: la,", '{id: ^"l\\u200da",', "E-char-02"),
        ('address: "[address]",\n', 'address: ^"[addr\\ue002ess]",\n', "E-char-01"),
    ],
    ids=["marker-in-name", "bidi-in-name", "zero-width-in-name", "zero-width-in-id", "marker"],
)
def test_reserved_and_invisible_characters_are_refused(tmp_path, needle, replacement, rule):
    assert needle in GOOD
    changed = GOOD.replace(needle, replacement.replace("^", ""), 1)
    where = f"deal.yaml:{position_of(changed, replacement)}"
    refuse(tmp_path, rule, where, deal=deal_file(tmp_path, changed))


def test_an_invisible_character_in_other_text_is_a_located_warning(tmp_path):
    needle = 'title: "Over-65s'
    changed = GOOD.replace(needle, 'title: "Over\\u202e-65s', 1)
    deal = deal_file(tmp_path, changed)
    out = tmp_path / "x.docx"
    result = CliRunner().invoke(main, ["build", str(deal), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "W-char-01" in result.output and "U+202E" in result.output
    assert f"deal.yaml:{position_of(changed, 'title: ^' + chr(34) + 'Over')}" in result.output


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_a_deal_sheet_that_is_not_a_file_is_refused_without_blocking(tmp_path, kind):
    path = tmp_path / "deal.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path = Path("/dev/zero")
    out = tmp_path / "out" / "agreement.docx"
    for argv in (["check", str(path)], ["build", str(path), "-o", str(out)]):
        result = CliRunner().invoke(main, argv)
        assert (
            "Traceback" not in result.output
            and result.exception is None
            or isinstance(result.exception, SystemExit)
        )
        # click itself refuses a folder as a usage error (exit 2) before the engine sees it
        assert result.exit_code == 2 if kind == "folder" else "E-file-03" in result.output
        assert result.exit_code != 0 and not out.exists(), result.output
