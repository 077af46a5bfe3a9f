"""pandoc is an optional extra: without it, the two commands that need it say what to install."""

from __future__ import annotations

import sys

from click.testing import CliRunner

from assembler.cli.main import main

from conftest import EXAMPLE, bank_cli, copy_bank


def test_without_pandoc_builds_and_review_exports_work(tmp_path, monkeypatch):
    """Markdown and HTML review exports come from the engine's own numbered model, not pandoc."""
    monkeypatch.setitem(sys.modules, "pypandoc", None)  # import pypandoc now fails
    out = tmp_path / "x.docx"
    args = ["build", str(EXAMPLE), "-o", str(out), "--format", "md", "--no-toc-pages"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "1.1" in out.with_suffix(".md").read_text(encoding="utf-8")


def test_without_pandoc_a_markdown_clause_draft_says_what_to_install(tmp_path, monkeypatch):

    monkeypatch.setitem(sys.modules, "pypandoc", None)
    bank = copy_bank(tmp_path)
    draft = tmp_path / "draft.md"
    draft.write_text("The Parties meet once a year.\n")
    result = bank_cli(
        bank, "new", "annual-meeting", "--from", str(draft), "--title", "Annual meeting"
    )
    assert result.exit_code == 1 and 'pip install "assembler[pandoc]"' in result.output
    assert not (bank / "clauses" / "annual-meeting").exists()
