"""The command line as a thin, lazily loaded layer: each command in a module of its own, listed
in ``assemble --help`` from a summary that must match the command's own help."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from assembler.cli.main import COMMANDS, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_summary_is_the_first_sentence_of_its_commands_help(name):
    command = main.get_command(click.Context(main), name)
    assert command is not None and command.name == name and command.help
    summary = " ".join(COMMANDS[name][1].split())
    first_paragraph = " ".join(command.help.partition("\n\n")[0].split())
    assert summary.endswith(".") and first_paragraph.startswith(summary)


def test_every_command_module_is_reachable_from_the_group():
    """A command written in cli/ but left out of COMMANDS would be silently missing."""
    folder = Path(importlib.import_module("assembler.cli").__file__).parent
    listed = {target.split(":")[0].rsplit(".", 1)[1] for target, _ in COMMANDS.values()}
    helpers = {"__init__", "main", "output", "options"}
    assert {p.stem for p in folder.glob("*.py")} - helpers == listed


def test_the_list_of_commands_is_the_one_click_would_print():
    shown = CliRunner().invoke(main, ["--help"], terminal_width=100).output
    listed = shown.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == sorted(COMMANDS)
    assert "  build     Build a Word document from DEAL, a YAML deal sheet." in listed


def test_importing_the_package_or_the_command_line_imports_no_engine():
    code = (
        "import sys, assembler; from assembler.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('lxml', 'jinja2', 'ruamel', 'rich', 'docx') or m.startswith('assembler.api')"
        " or m.startswith('assembler.pipeline')))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip().splitlines()[-1] == "[]"
