"""A bank is a project of its own: `assemble init`, and how every command finds its bank."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assembler.bank.project import HOUSE_BANK, find_bank, init_bank
from assembler.cli.main import main
from assembler.core.errors import AssemblerError

from conftest import EXAMPLE


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def own_bank(tmp_path, monkeypatch):
    """A bank written by `assemble init`, with no $ASSEMBLER_BANK to shadow it."""
    monkeypatch.delenv("ASSEMBLER_BANK", raising=False)
    folder = tmp_path / "csu-bank"
    result = run("init", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def test_init_writes_a_bank_project(own_bank):
    names = {p.name for p in own_bank.iterdir()}
    assert {"bank.yaml", "clauses", "criteria.yaml", "vocabulary.yaml", "templates"} <= names
    assert {"README.md", ".gitignore", "examples"} <= names
    workflow = (own_bank / ".github" / "workflows" / "bank-check.yml").read_text()
    assert "assemble bank check" in workflow
    assert "out/" in (own_bank / ".gitignore").read_text()
    types = {
        line.split(":", 1)[1].strip()
        for example in (own_bank / "examples").glob("*.yaml")
        for line in example.read_text().splitlines()
        if line.startswith("document_type:")
    }
    assert types == {
        "alliance_agreement",
        "service_operations_manual",
        "memorandum_of_understanding",
        "deed_of_variation",
    }


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(AssemblerError) as caught:
        init_bank(tmp_path)
    assert caught.value.diagnostics[0].rule == "E-init-01"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_the_bank_is_found_as_git_finds_dot_git(own_bank, tmp_path, monkeypatch):
    below = own_bank / "examples"
    assert find_bank(start=below).root == own_bank.resolve()
    assert find_bank(start=tmp_path).root == HOUSE_BANK  # nothing above: the house bank
    monkeypatch.setenv("ASSEMBLER_BANK", str(own_bank))
    assert find_bank(start=tmp_path).found_by == "$ASSEMBLER_BANK"
    assert find_bank(HOUSE_BANK, start=tmp_path).root == HOUSE_BANK  # --bank first


def test_a_folder_without_the_manifest_is_not_a_bank(tmp_path):
    result = run("build", str(EXAMPLE), "-o", str(tmp_path / "x.docx"), "--bank", str(tmp_path))
    assert result.exit_code == 1
    assert "E-bank-20" in result.output and "bank.yaml" in result.output
    assert not (tmp_path / "x.docx").exists()


def test_a_build_inside_a_bank_uses_it_and_the_lock_records_it(own_bank, monkeypatch):
    """The CSU's own wording is what a build inside its bank prints."""
    title = own_bank / "clauses" / "scope" / "clause.yaml"
    title.write_text(
        title.read_text().replace("title: Scope of the Alliance", "title: What We Cover")
    )
    monkeypatch.chdir(own_bank)
    result = run("build", "-v", "examples/over-65s-alliance.yaml", "-o", "out/a.docx")
    assert result.exit_code == 0, result.output
    assert f"bank: {own_bank.resolve()}" in result.output
    lock = json.loads((own_bank / "out" / "a.lock.yaml").read_text().split("\n", 1)[1])
    assert lock["bank"]["path"] == ".."
    assert "What We Cover" in {s["title"] for s in lock["slots"]}


def test_outputs_never_go_into_the_installed_package(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = HOUSE_BANK / "examples" / "x.docx"
    result = run("build", str(EXAMPLE), "-o", str(target))
    assert result.exit_code == 1 and "E-out-02" in result.output
    assert not target.exists()
