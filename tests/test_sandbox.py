"""Clause templates run in a sandbox, and template mistakes name the clause and paragraph."""

from __future__ import annotations

import shutil

import pytest

from assembler.api import Workspace, build
from assembler.authoring import fragment_from_draft
from assembler.errors import AssemblerError

from conftest import BANK, EXAMPLE
from test_hostile import unrecord_hash


def bank_with_relationship_clause(tmp_path, draft: str):
    bank = tmp_path / "clausebank"
    shutil.copytree(BANK, bank)
    unrecord_hash(bank, "relationship")
    fragment = bank / "clauses" / "relationship" / "1.0.0.docx"
    fragment.write_bytes(fragment_from_draft(draft, BANK / "templates" / "house-style.docx"))
    return Workspace.open(bank, BANK / "templates")


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ self._TemplateReference__context }}",
        "{{ party('la')._private }}",
    ],
)
def test_templates_cannot_reach_python_internals(tmp_path, expression):
    ws = bank_with_relationship_clause(tmp_path, f"1.1 Nothing here {expression}.")
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", workspace=ws)
    found = caught.value.diagnostics[0]
    assert found.rule in ("E-tmpl-03", "E-miss-01"), found
    assert "relationship" in found.message
    assert not (tmp_path / "x.docx").exists()


def test_an_unbalanced_if_names_the_clause_and_paragraph(tmp_path):
    ws = bank_with_relationship_clause(
        tmp_path, "1.1 First.\n{% if deal.title %}\n1.1 Second.\n1.1 Third."
    )
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", workspace=ws)
    found = caught.value.diagnostics[0]
    assert found.rule == "E-tmpl-02"
    # Jinja points at the block left open: the `{% if %}` in paragraph 2
    assert (
        found.message.startswith("clause relationship@1.0.0, paragraph 2:")
        and "'if'" in found.message
    )
    assert found.file.endswith("relationship/1.0.0.docx")
