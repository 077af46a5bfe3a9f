"""pandoc is an optional extra: without it, the two commands that need it say what to install."""

from __future__ import annotations

import sys

from click.testing import CliRunner

from assembler.cli import main

from conftest import BANK, EXAMPLE


def test_without_pandoc_build_format_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pypandoc", None)  # import pypandoc now fails
    out = tmp_path / "x.docx"
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out), "--format", "md"])
    assert result.exit_code == 1
    assert "E-dep-01" in result.output and 'pip install "assembler[pandoc]"' in result.output
    assert not out.exists()
    # everything else works without it
    plain = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out)])
    assert plain.exit_code == 0, plain.output


def test_without_pandoc_a_markdown_clause_draft_says_what_to_install(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setitem(sys.modules, "pypandoc", None)
    bank = tmp_path / "bank"
    shutil.copytree(BANK, bank)
    draft = tmp_path / "draft.md"
    draft.write_text("The Parties meet once a year.\n")
    result = CliRunner().invoke(
        main,
        [
            "bank",
            "new",
            "--bank",
            str(bank),
            "annual-meeting",
            "--from",
            str(draft),
            "--title",
            "Annual meeting",
        ],
    )
    assert result.exit_code == 1 and 'pip install "assembler[pandoc]"' in result.output
    assert not (bank / "clauses" / "annual-meeting").exists()
