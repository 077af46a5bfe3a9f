"""Clause templates run in a sandbox, and template mistakes name the clause and paragraph."""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from assembler.api import Workspace, build
from assembler.bank.authoring import fragment_from_draft
from assembler.core.errors import AssemblerError

from conftest import BANK, EXAMPLE, copy_bank
from reading import clause_texts
from test_hostile import unrecord_hash

#: One bank copy per session, by folder: these tests differ only in the relationship fragment.
_SHARED: dict[Path, Workspace] = {}


def bank_with_relationship_clause(tmp_path: Path, draft: str) -> Workspace:
    """A workspace whose relationship clause reads ``draft``. The bank is copied and opened once;
    each call writes the fragment and gives the bank a fresh memo of imported fragments, so the
    new text is imported (its file's stamp changed) as it would be in an edited bank."""
    root = tmp_path.parent / "relationship-bank"
    if root not in _SHARED:
        shutil.copytree(BANK, root)
        unrecord_hash(root, "relationship")
        _SHARED[root] = Workspace.open(root, BANK / "templates")
    fragment = root / "clauses" / "relationship" / "1.0.0.docx"
    fragment.write_bytes(fragment_from_draft(draft, BANK / "templates" / "house-style.docx"))
    ws = _SHARED[root]
    return replace(ws, bank=replace(ws.bank, _fragments={}))


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ self._TemplateReference__context }}",
        "{{ party('la')._private }}",
    ],
)
@pytest.mark.slow(keep_first=True)
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


def refused(tmp_path, draft: str) -> tuple[str, str]:
    """Build with the relationship clause set to ``draft``: (rule, message) of the refusal."""
    ws = bank_with_relationship_clause(tmp_path, draft)
    started = time.monotonic()
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", workspace=ws)
    assert time.monotonic() - started < 5, "a bound must refuse before the time budget runs out"
    found = caught.value.diagnostics[0]
    assert found.file.endswith("relationship/1.0.0.docx")
    assert "relationship" in found.message
    assert not (tmp_path / "x.docx").exists()
    return found.rule, found.message


@pytest.mark.parametrize(
    "draft",
    [
        "1.1 {{ '<w:fldSimple w:instr=\"INCLUDETEXT http://evil\"/>'|safe }}",
        "1.1 {% autoescape false %}{{ '<w:br/>' }}{% endautoescape %}",
        "1.1 {% filter safe %}x{% endfilter %}",
        "1.1 {{ deal.title|urlize }}",
        "1.1 {{ {'a': 1}|xmlattr }}",
        "1.1 {% include 'other' %}",
        "1.1 {{ '\\ue000M\\ue001deal.fake\\ue002' }}",
    ],
    ids=["safe", "autoescape", "filter-block", "urlize", "xmlattr", "include", "forged-marker"],
)
@pytest.mark.slow(keep_first=True)
def test_a_clause_cannot_make_markup(tmp_path, draft):
    rule, message = refused(tmp_path, draft)
    assert rule == "E-tmpl-08" and "paragraph 1" in message and "not allowed" in message


@pytest.mark.parametrize(
    "draft",
    [
        "1.1 {{ parties.clear() }}",
        "1.1 {% set x = parties.reverse() %}",
        "1.1 {{ deal.parties.append(1) }}",
        "1.1 {{ deal.update({'title': 'Other'}) }}",
        "1.1 {{ party('la').pop('name') }}",
        "1.1 {{ commissioners.clear() }}",
        "1.1 {{ deal.parties[0].clear() }}",
        "1.1 {% for p in parties %}{{ p.roles.append('provider') }}{% endfor %}",
    ],
    ids=["clear", "reverse", "append", "update", "pop", "commissioners", "party", "roles"],
)
@pytest.mark.slow(keep_first=True)
def test_a_clause_cannot_change_the_deal(tmp_path, draft):
    # a list method is refused by the sandbox; a mapping's methods are not even reachable
    assert refused(tmp_path, draft)[0] in ("E-tmpl-03", "E-tmpl-04")


@pytest.mark.parametrize(
    "draft",
    [
        "1.1 {{ '%0999999999d' % 1 }}",
        "1.1 {{ '%.999999999f' % 1.5 }}",
        "1.1 {{ '%*d' % (999999999, 1) }}",
        "1.1 {{ '%0999999999d'|format(1) }}",
        "1.1 {{ 'x'|center(999999999) }}",
        "1.1 {{ 'x'.ljust(999999999) }}",
        "1.1 {{ '{:>999999999}'.format(1) }}",
        "1.1 {{ '{:{}}'.format(1, 999999999) }}",
        "1.1 {{ [1]|batch(100000000, 0)|list }}",
        "1.1 {{ [1]|slice(100000000)|list }}",
        "1.1 {{ 'a\nb'|indent(999999999) }}",
        "1.1 {{ ('x' * 100000)|replace('x', 'y' * 1000) }}",
        "1.1 {{ ('x' * 100000).replace('', 'y' * 1000) }}",
        "1.1 {{ (['x' * 100000] * 100000)|join }}",
        "1.1 {{ [1, 2]|map('center', 999999999)|list }}",
    ],
)
@pytest.mark.slow(keep_first=True)
def test_sizes_are_bounded_before_memory_is_taken(tmp_path, draft):
    rule, message = refused(tmp_path, draft)
    assert rule == "E-tmpl-03" and "blocked by the sandbox" in message


def test_macro_recursion_is_a_located_error(tmp_path):
    draft = "1.1 {% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}"
    rule, message = refused(tmp_path, draft)
    assert rule == "E-tmpl-04" and "recurses too deeply" in message


def test_a_marker_built_while_rendering_is_refused(tmp_path):
    draft = "1.1 {{ '%c'|format(57344) }}M{{ '%c'|format(57345) }}deal.x{{ '%c'|format(57346) }}"
    rule, message = refused(tmp_path, draft)
    assert rule == "E-tmpl-03" and "marker" in message


def test_markup_in_text_prints_as_text(tmp_path):
    ws = bank_with_relationship_clause(
        tmp_path, "1.1 Tags {{ '<w:br/>' }} and {{ '&amp;'|e }} print as typed {{ ref('scope') }}."
    )
    out = tmp_path / "x.docx"
    build(EXAMPLE, out, workspace=ws)
    text = "\n".join(clause_texts(out.read_bytes()).values())
    assert "Tags <w:br/> and &amp; print as typed clause " in text


def test_a_condition_runs_under_the_same_bounds(tmp_path):
    root = copy_bank(tmp_path)
    meta = root / "clauses" / "relationship" / "clause.yaml"
    meta.write_text(meta.read_text() + "condition: \"('%0999999999d' % 1) != ''\"\n")
    with pytest.raises(AssemblerError) as caught:
        build(EXAMPLE, tmp_path / "x.docx", workspace=Workspace.open(root, BANK / "templates"))
    found = caught.value.diagnostics[0]
    assert found.rule == "E-bank-07" and "relationship" in found.message


def test_a_clause_may_fill_a_list_it_made_itself(tmp_path):
    ws = bank_with_relationship_clause(
        tmp_path,
        "1.1 {% set seen = [] %}{% for p in parties %}{% if seen.append(p.id) %}{% endif %}"
        "{% endfor %}Counted {{ seen|length }} of {{ parties|length }} parties.",
    )
    out = tmp_path / "x.docx"
    build(EXAMPLE, out, workspace=ws)
    text = "\n".join(clause_texts(out.read_bytes()).values())
    assert "Counted 6 of 6 parties." in text  # the example's six parties
