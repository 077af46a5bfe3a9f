"""`assemble new TYPE` writes a sheet that works as written: check --draft passes, a draft builds."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from assembler.cli.main import main
from assembler.deal.sheet import load_deal
from assembler.deal.types import house_types

from conftest import first_fast

SCHEMAS = {name: doc.schema for name, doc in house_types().items()}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# a deed of variation's starter varies an example agreement of the bank until the drafter names theirs
TYPES = [
    "alliance_agreement",
    "service_operations_manual",
    "memorandum_of_understanding",
    "deed_of_variation",
]


@pytest.mark.slow  # `new`, then every step it prints: seconds a type
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


@pytest.mark.parametrize("document_type", first_fast(sorted(SCHEMAS)))
def test_the_starter_loads_and_builds_as_a_draft(tmp_path, document_type):
    target = tmp_path / "deal.yaml"
    result = CliRunner().invoke(main, ["new", document_type, "-o", str(target)])
    assert result.exit_code == 0, result.output
    deal = load_deal(target)
    assert deal.document_type == document_type
    text = target.read_text()
    for key, field in SCHEMAS[document_type].fields.items():
        if key == "choices" and "# Alternatives" not in text:
            continue  # offered only when the outline has alternatives
        prefix = "" if field.required else "# "
        assert f"\n{prefix}{key}:" in text, key  # every top-level key is offered
    out = tmp_path / "draft.docx"
    built = CliRunner().invoke(main, ["build", str(target), "-o", str(out), "--draft"])
    assert built.exit_code == 0, built.output
    assert out.is_file()


def test_the_starter_lists_the_alternatives_and_the_criteria_they_serve(tmp_path):
    target = tmp_path / "aa.yaml"
    CliRunner().invoke(main, ["new", "alliance_agreement", "-o", str(target)])
    text = target.read_text()
    assert "# choices:" in text
    assert "#   liability: transition" not in text
    assert "no-blame-with-carve-outs: Liability; serves liability_in_partnerships" in text
    assert "decision_rule: unanimous_only" in text  # an enum shows its first allowed value
    assert "one of unanimous_only, unanimous_then_majority_if_decision_required" in text


def test_new_never_overwrites_and_rejects_unknown_types(tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("deal_id: keep-me\n")
    result = CliRunner().invoke(main, ["new", "alliance_agreement", "-o", str(target)])
    assert result.exit_code == 1 and "E-out-05" in result.output
    assert target.read_text() == "deal_id: keep-me\n"
    result = CliRunner().invoke(main, ["new", "aliance_agreement", "-o", str(tmp_path / "x")])
    assert result.exit_code == 1 and "did you mean 'alliance_agreement'" in result.output
