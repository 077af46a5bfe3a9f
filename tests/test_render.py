"""The render modules on small inputs: the numbering walk, bookmarks, fields for markers, a
template's trace, the contents page, text fingerprints; and the Plan as the lock (what the lock,
provenance and the variation engine read is plain data, never render output)."""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from markupsafe import Markup

import assembler
from assembler.bank.housedata import load_house_data
from assembler.bank.project import HOUSE_BANK
from assembler.core.errors import AssemblerError
from assembler.deal.sheet import load_deal
from assembler.oxml import text as ox
from assembler.oxml import toc
from assembler.oxml.ns import qn
from assembler.oxml.numbering import Numbering
from assembler.package.lockfile import lock_data
from assembler.pipeline.stages import plan_document, render_document
from assembler.plan.laidout import bookmark_name, fingerprints
from assembler.plan.planner import Plan, PlannedClause
from assembler.render import frame, operative
from assembler.render.clauses import clause_bodies
from assembler.render.fields import References, Target, label_marker, resolve
from assembler.render.numbering import Walked, number
from assembler.render.templates import Sandbox
from assembler.template.sandbox import deal_names, footnote, marker

from conftest import EXAMPLE

E = etree._Element
SRC = Path(assembler.__file__).parent
WORDS = load_house_data(HOUSE_BANK / "templates").words


def para(style: str | None, text: str, label: str | None = None) -> E:
    return ox.markup_paragraph(style, Markup(text) + (label_marker(label) if label else ""))


def walk(workspace: Any, *paragraphs: E, schedule: list[E] | None = None) -> tuple[E, Walked]:
    """A body of ``paragraphs`` (then a schedule's, on its own list), numbered."""
    numbering = Numbering.read(workspace.house.new_numbering(), workspace.house.styles)
    body = ox.el("w:body")
    body.extend(paragraphs)
    if schedule is not None:
        legal = numbering.style_links[operative.LEGAL_LIST][0]
        operative.number_schedule(schedule, numbering.add_restart(legal))
        body.extend(schedule)
    return body, number(body, numbering, "deal.yaml", WORDS)


# -- numbering and bookmarks -----------------------------------------------------------------------


def test_clauses_and_their_paragraphs_number_as_word_prints_them(workspace: Any) -> None:
    _, walked = walk(
        workspace,
        para("ClauseHeading", "Scope", "scope"),
        para("Clause2", "a"),
        para("Clause3", "b"),
        para("Clause4", "c"),
        para("ClauseHeading", "Term", "term"),
        para("Clause2", "d"),
    )
    printed = [(n.printed, n.number) for n in walked.paragraphs]
    assert printed == [
        ("1.", "1"),
        ("1.1", "1.1"),
        ("(a)", "1.1(a)"),
        ("(i)", "1.1(a)(i)"),
        ("2.", "2"),
        ("2.1", "2.1"),
    ]


def test_a_label_becomes_a_bookmark_and_a_target_with_its_number(workspace: Any) -> None:
    body, walked = walk(
        workspace,
        para("ClauseHeading", "Scope", "scope"),
        para("Clause2", "The cohort", "scope.cohort"),
        para(None, "Text under the heading", "scope.text"),
    )
    cohort = walked.paragraphs[1].element
    assert ox.text_of(cohort) == "The cohort"  # the marker is gone from what prints
    names = [b.get(qn("w:name")) for b in cohort.iter(qn("w:bookmarkStart"))]
    assert names == [bookmark_name("scope.cohort")]
    words = {name: (t.words, t.numbered) for name, t in walked.targets.items()}
    assert words == {
        "scope": ("clause 1", True),
        "scope.cohort": ("clause 1.1", True),
        "scope.text": ("clause 1", False),  # an unnumbered paragraph: its clause's number
    }
    ids = [b.get(qn("w:id")) for b in body.iter(qn("w:bookmarkStart"))]
    assert ids == ["1", "2", "3"]


def test_a_schedule_numbers_afresh_and_its_paragraphs_say_which_schedule(workspace: Any) -> None:
    _, walked = walk(
        workspace,
        para("ClauseHeading", "Scope", "scope"),
        para("Clause2", "a"),
        para("ScheduleHeading", "Schedule 1", "services"),
        schedule=[
            para("ScheduleClause1", "Services", "services.part"),
            para("Clause2", "x", "services.x"),
        ],
    )
    words = {name: t.words for name, t in walked.targets.items()}
    assert words["services"] == "Schedule 1"
    assert words["services.part"] == "paragraph 1 of Schedule 1"
    assert words["services.x"] == "paragraph 1.1 of Schedule 1"


def test_a_label_used_twice_is_refused(workspace: Any) -> None:
    with pytest.raises(AssemblerError) as caught:
        walk(workspace, para("Clause2", "a", "x.y"), para("Clause2", "b", "x.y"))
    assert caught.value.diagnostics[0].rule == "E-ref-04"
    assert "'x.y'" in caught.value.diagnostics[0].message


# -- fields for markers ----------------------------------------------------------------------------


def refs(draft: bool = False) -> References:
    target = Target("_Ref000000001", "9.2", "clause ", "", True)
    return References({"scope.cohort": target}, frozenset({"scope"}), draft, "deal.yaml", WORDS)


def body_of(*paragraphs: E) -> E:
    body = ox.el("w:body")
    body.extend(paragraphs)
    return body


def test_a_reference_marker_becomes_a_ref_field_showing_the_number() -> None:
    p = para("Clause2", "as set out in " + marker("R", "term", "scope.cohort") + ".")
    resolve(body_of(p), refs())
    assert ox.text_of(p) == "as set out in clause 9.2."
    instructions = [i.text for i in p.iter(qn("w:instrText"))]
    assert instructions == [" REF _Ref000000001 \\r \\w \\h "]


def test_a_reference_to_no_target_fails_a_final_build_and_marks_a_draft() -> None:
    text = marker("R", "term", "scope.age") + " and " + marker("R", "term", "risk.cap")
    with pytest.raises(AssemblerError) as caught:
        resolve(body_of(para("Clause2", text)), refs())
    assert [(d.rule, d.message) for d in caught.value.diagnostics] == [
        ("E-ref-02", "clause term refers to scope.age, which has no such label"),
        ("E-ref-02", "clause term refers to risk.cap, which is not in this document"),
    ]
    p = para("Clause2", text)
    done = resolve(body_of(p), refs(draft=True))
    assert [d.rule for d in done.warnings] == ["W-ref-02", "W-ref-02"]
    assert ox.text_of(p) == "[MISSING REFERENCE: scope.age] and [MISSING REFERENCE: risk.cap]"


def test_blanks_missing_values_and_footnotes_become_their_runs() -> None:
    p = para(
        "Clause2",
        Markup("The [Council] pays ")
        + marker("M", "deal.finance.amount")
        + footnote("Net of VAT."),
    )
    done = resolve(body_of(p), refs())
    assert ox.text_of(p) == "The [Council] pays [MISSING: deal.finance.amount]"
    styles = [s.get(qn("w:val")) for s in p.iter(qn("w:rStyle"))]
    assert styles == ["Placeholder", "MissingValue"]
    assert done.placeholders == 1
    assert done.footnotes == ["Net of VAT."]
    assert [r.get(qn("w:id")) for r in p.iter(qn("w:footnoteReference"))] == ["1"]


# -- templates, the frame, fingerprints -------------------------------------------------------------


def test_a_template_returns_what_it_read_and_found_missing(workspace: Any) -> None:
    sandbox = Sandbox(workspace.env, deal_names({"a": 1, "b": {}}, [], {}))
    text, trace = sandbox.text("{{ deal.a }} {{ deal.b.c }} {{ placeholder('x') }}", "c1", "t", "")
    assert trace.missing == [("c1", "deal.b.c")]
    assert trace.blanks == [("c1", "x")]
    assert {"deal.a", "deal.b"} <= trace.accessed
    assert str(text).startswith("1 ")
    # nothing carries over: the next template's trace is its own
    _, again = sandbox.text("{{ deal.a }}", "c2", "t", "")
    assert (again.missing, again.blanks, again.accessed) == ([], [], {"deal.a"})


def planned(slot: str, number: str, title: str) -> PlannedClause:
    return PlannedClause(slot, slot, "1.0.0", "0" * 64, title, "clause", number, ("c",))


def small_plan() -> Plan:
    return Plan(
        "memorandum_of_understanding",
        "A Memorandum",
        "mou-1",
        "deal.yaml",
        "0" * 64,
        "house",
        "1.0.0",
        False,
        False,
        "this Memorandum",
        [planned("purpose", "1", "Purpose"), planned("status", "2", "Status")],
        [planned("partners", "Schedule 1", "The Partners")],
    )


def test_the_contents_page_links_each_clause_and_schedule_to_its_heading() -> None:
    paragraphs = frame.contents(small_plan(), WORDS)
    body = body_of(*paragraphs)
    assert toc.anchors(body) == [bookmark_name(s) for s in ("purpose", "status", "partners")]
    texts = [ox.text_of(p) for p in paragraphs[1:-1]]
    assert texts == ["1. Purpose", "2. Status", "Schedule 1: The Partners"]


def test_a_clause_fingerprint_is_its_text_up_to_the_next_heading() -> None:
    found = fingerprints(
        [
            (["scope"], "ClauseHeading", "Scope"),
            ([], "Clause2", "The  cohort\tis"),
            ([], "Clause3", " everyone "),
            ([], "ScheduleHeading", "Execution"),
            ([], "ExecutionBlock", "Signed"),
        ]
    )
    assert found == {"scope": hashlib.sha256(b"The cohort is everyone").hexdigest()}


# -- the Plan is the lock -------------------------------------------------------------------------


def test_rendering_is_a_pure_function_of_plan_deal_and_bank(workspace: Any) -> None:
    deal = load_deal(EXAMPLE, workspace.bank.codes, law=workspace.bank.law)
    first, second = (render_document(deal, workspace) for _ in range(2))
    assert etree.tostring(first.rendered.body) == etree.tostring(second.rendered.body)
    assert first.rendered.laid_out == second.rendered.laid_out
    laid_out = first.rendered.laid_out
    json.dumps(asdict(laid_out))  # plain data
    lock = lock_data(first.planned.plan, laid_out)
    assert lock["references"]["alliance-management.groups"] == "clause 12.2"
    slots = {s["slot"]: s for s in lock["slots"]}
    headings = [p for p in laid_out.paragraphs if p.style == "ClauseHeading"]
    assert [p.number for p in headings] == [pc.number for pc in first.planned.plan.clauses]
    assert all(len(s["text_sha256"]) == 64 for s in slots.values() if s["slot"] != "recitals")


@pytest.mark.parametrize(
    "module",
    ["package/lockfile.py", "package/provenance.py", "package/writer.py", "variation/amend.py"],
)
def test_the_lock_provenance_and_variation_read_the_plan_not_render_output(module: str) -> None:
    tree = ast.parse((SRC / module).read_text("utf-8"))
    imported = [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    ]
    assert not [m for m in imported if m.startswith("assembler.render")]


def test_each_clause_body_returns_the_deal_values_it_read(workspace: Any) -> None:
    deal = load_deal(EXAMPLE, workspace.bank.codes, law=workspace.bank.law)
    planned = plan_document(deal, workspace)
    ids = {pc.clause_id for pc in planned.plan.all_clauses()}
    names = {**planned.names, "included": ids.__contains__, "coverage": []}
    sandbox = Sandbox(workspace.env, names, planned.issued)
    bodies = clause_bodies(planned.plan, workspace.bank, sandbox)
    assert list(bodies.blocks) == list(bodies.traces)
    term = bodies.traces["term"].accessed
    assert any(path.startswith("deal.term.") for path in term)
    assert not any(path.startswith("deal.term.") for path in bodies.traces["scope"].accessed)
    assert bodies.trace().accessed == set().union(*(t.accessed for t in bodies.traces.values()))
