"""The command line: help, exit codes, located errors, nothing written on failure."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from assembler.cli.main import main

from conftest import BANK, EXAMPLE, position_of


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_lists_commands_and_exit_codes():
    result = run("--help")
    assert result.exit_code == 0
    assert "build" in result.output and "Exit codes" in result.output
    build_help = run("build", "--help")
    assert (
        "--draft" in build_help.output
        and "--locked" in build_help.output
        and "--pdf" in build_help.output
    )


def test_usage_error_exits_2():
    assert run("build").exit_code == 2  # -o is required


def test_build_succeeds_and_reports(tmp_path):
    out = tmp_path / "a.docx"
    result = run(
        "build",
        str(EXAMPLE),
        "-o",
        str(out),
        "--bank",
        str(BANK),
        "--templates",
        str(BANK / "templates"),
    )
    assert result.exit_code == 0, result.output
    assert out.is_file() and (tmp_path / "a.lock.yaml").is_file()
    assert "wrote" in result.output


def test_bad_deal_sheet_exits_1_with_located_errors_and_writes_nothing(tmp_path):
    deal = tmp_path / "bad.yaml"
    text = EXAMPLE.read_text().replace(
        "decision_rule: unanimous_then", "decision_rule: mostly_then"
    )
    deal.write_text(text)
    out = tmp_path / "a.docx"
    result = run("build", str(deal), "-o", str(out))
    assert result.exit_code == 1
    where = position_of(text, "decision_rule: ^mostly")
    assert f"{deal}:{where}: error E-enum-01: governance.decision_rule" in result.output.replace(
        "\n", " "
    )
    assert "Traceback" not in result.output
    assert not out.exists() and not (tmp_path / "a.lock.yaml").exists()


def test_output_may_not_overwrite_the_deal_sheet(tmp_path):
    deal = tmp_path / "deal.docx"
    deal.write_bytes(EXAMPLE.read_bytes())
    before = deal.read_bytes()
    result = run("build", str(deal), "-o", str(deal))
    assert result.exit_code == 1 and "E-out-02" in result.output
    assert deal.read_bytes() == before


def test_output_that_is_a_folder_is_refused(tmp_path):
    result = run("build", str(EXAMPLE), "-o", str(tmp_path))
    assert result.exit_code == 1 and "E-out-01" in result.output


def test_python_dash_m_works():
    done = subprocess.run(
        [sys.executable, "-m", "assembler", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "Usage" in done.stdout


@pytest.mark.slow  # runs pandoc
def test_markdown_export_through_pandoc(tmp_path):
    out = tmp_path / "a.docx"
    result = run("build", str(EXAMPLE), "-o", str(out), "--format", "md")
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "a.md").read_text()
    assert "Over-65s Health and Social Care Alliance Agreement" in markdown
    assert "Alliance Leadership Board" in markdown


def test_a_plain_text_draft_becomes_a_fragment_in_the_house_styles(tmp_path):
    from assembler.bank.fragment import import_fragment

    draft = tmp_path / "draft.txt"
    draft.write_text(
        "1.1 The {{ party('la').name }} must **act**:\n(a) first;\n(a) second.\n{% if x %}\n> more\n{% endif %}\n"
    )
    result = run("fragment", str(draft), "--templates", str(BANK / "templates"))
    assert result.exit_code == 0, result.output
    source = import_fragment(tmp_path / "draft.docx").source
    assert source.count('w:val="Clause2"') == 1 and source.count('w:val="Clause3"') == 2
    assert "{% if x %}" in source.splitlines() and "<w:b/>" in source


@pytest.mark.slow  # runs pandoc
def test_html_export_through_pandoc(tmp_path):
    out = tmp_path / "a.docx"
    result = run("build", str(EXAMPLE), "-o", str(out), "--format", "html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "a.html").read_text()
    assert "Definitions and interpretation" in html and "Alliance Leadership Board" in html
