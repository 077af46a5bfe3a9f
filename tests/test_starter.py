"""`assemble new TYPE` writes a sheet that works as written: check --draft passes, a draft builds."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from assembler.cli import main
from assembler.dealsheet import load_deal


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# a deed of variation's starter varies an example agreement of the bank until the drafter names theirs
TYPES = [
    "alliance_agreement",
    "service_operations_manual",
    "memorandum_of_understanding",
    "deed_of_variation",
]


@pytest.mark.parametrize("document_type", TYPES)
def test_the_starter_checks_and_builds_as_a_draft_as_written(
    tmp_path, monkeypatch, assert_valid, document_type
):
    monkeypatch.chdir(tmp_path)
    made = run("new", document_type, "-o", "deal.yaml")
    assert made.exit_code == 0, made.output
    deal = load_deal(tmp_path / "deal.yaml")
    parties = deal.data["parties"]
    roles = {role for p in parties for role in p["roles"]}
    assert {"commissioner", "provider"} <= roles
    assert "ccg" not in {p["kind"] for p in parties}  # abolished on 1 July 2022
    checked = run("check", "deal.yaml", "--draft")
    assert checked.exit_code == 0, checked.output
    # every next step it prints runs as printed
    steps = [
        line.strip() for line in made.output.splitlines() if line.strip().startswith("assemble ")
    ]
    assert steps
    for step in steps:
        result = run(*shlex.split(step)[1:])
        assert result.exit_code == 0, (step, result.output)
    built = tmp_path / "out" / "deal.docx"
    assert_valid(built)
    # every missing value is listed by its key, none as "None"
    built_output = run("build", "deal.yaml", "--draft", "-o", "out/again.docx").output
    count = re.search(r"(\d+) missing value\(s\)", built_output)
    if count:
        listed = re.findall(r"^  (\S+) \(clause ", built_output, re.M)
        assert listed and len(listed) == len(set(listed))
        assert not any(key.startswith("None") for key in listed)
