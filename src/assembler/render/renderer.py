"""Stage 3: render a Plan into a WordprocessingML body, numbered and cross-referenced by the engine.

Clause bodies come from the bank's fragments through Jinja; everything structural (cover, contents,
parties, headings, definitions, schedule headings, numbering, bookmarks, REF fields, execution blocks)
is built here from the Plan, never left to composing documents.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from jinja2 import Template, TemplateSyntaxError
from jinja2.exceptions import SecurityError, TemplateError
from lxml import etree
from markupsafe import Markup, escape

from assembler.bank.clausebank import ClauseBank
from assembler.bank.housestyle import HouseStyle
from assembler.bank.outline import Outline
from assembler.core.errors import AssemblerError, Diagnostic, Where
from assembler.deal.sheet import text_values
from assembler.oxml import provisions, toc
from assembler.oxml import text as ox
from assembler.oxml.ns import WRAPPER_CLOSE, WRAPPER_OPEN, parse_xml, qn
from assembler.oxml.numbering import Numbering
from assembler.oxml.tables import complete_tables, paragraphs_in
from assembler.plan.planner import Plan, PlannedClause
from assembler.template.sandbox import (
    END,
    MARK,
    MAX_SECONDS,
    MAX_TEXT,
    SEP,
    BudgetExceeded,
    ClauseEnvironment,
    Forbidden,
    Recorder,
    budget,
    check_markers,
    in_clause,
    mark_used,
    reading,
)
from assembler.template.terms import DefinedTerm, TermReport, find_terms

E: TypeAlias = etree._Element

MARKERS = re.compile(f"{MARK}(.){SEP}([^{END}]*){END}")
PLACEHOLDER_TEXT = re.compile(r"\[[^\[\]\n]{1,300}\]")
SEGMENT = re.compile(f"{MARK}.{SEP}[^{END}]*{END}|\\[[^\\[\\]\\n]{{1,300}}\\]")
#: Body styles and the level of the house list they sit at, for restarting schedule numbering.
LIST_LEVELS = {"ScheduleClause1": 0, "Clause2": 1, "Clause3": 2, "Clause4": 3}
LEGAL_LIST = "ClauseHeading"
#: Bounds on compiling and rendering one clause: wall-clock time (loops) and size of the result.
MAX_RENDER_SECONDS = MAX_SECONDS
MAX_CLAUSE_CHARS = MAX_TEXT
#: The document-control box's columns (twentieths of a point): label, value.
CONTROL_BOX_WIDTHS = [2600, 5400]


def _bounded_render(template: Template, names: dict[str, Any]) -> str | None:
    """The template's text, or None once it passes MAX_CLAUSE_CHARS: counted as it is produced,
    so a runaway clause stops before it has built its whole output."""
    pieces = []
    size = 0
    for piece in template.generate(**names):
        size += len(piece)
        if size > MAX_CLAUSE_CHARS:
            return None
        pieces.append(piece)
    return "".join(pieces)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a cross-reference lands: the bookmark and the number text to show."""

    bookmark: str
    text: str  # "9.2", "Schedule 2"
    prefix: str  # "clause ", "paragraph ", ""
    suffix: str  # " of Schedule 2", ""
    numbered: bool


@dataclass
class Rendered:
    body: E
    numbering: E
    comments: list[tuple[int, str]]
    targets: dict[str, str]
    terms: TermReport
    missing: list[tuple[str, str]]
    accessed: set[str]
    placeholders: int
    warnings: list[Diagnostic] = field(default_factory=list)
    #: every paragraph in reading order with its style, its number as a cross-reference would
    #: show it ("9.2(a)", "" if unnumbered) and its labels: what a deed of variation compares
    paragraphs: list[Numbered] = field(default_factory=list)
    #: a draft's legend for the page header ("" for a final build: no header)
    legend: str = ""
    #: footnote texts from fragments, numbered from 1 in reading order
    footnotes: list[str] = field(default_factory=list)
    #: the deal values ("deal.population.cohort") each clause read, by slot: what a deed of
    #: variation traces a changed value through
    reads: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Numbered:
    element: E
    style: str
    number: str
    labels: tuple[str, ...]
    #: the number as printed before the text ("1.", "1.1", "(a)"): what the review exports show
    printed: str = ""


class Renderer:
    def __init__(
        self,
        plan: Plan,
        bank: ClauseBank,
        house: HouseStyle,
        env: ClauseEnvironment,
        names: dict[str, Any],
        forms: dict[str, Any],
        locate: Callable[[str], Where],
        outline: Outline,
        issued: frozenset[str] = frozenset(),
    ):
        self.plan, self.bank, self.house, self.env = plan, bank, house, env
        #: markers planning made (party descriptions) that clauses may print
        self.issued = issued
        self.outline = outline
        self.names = names
        self.forms = forms
        #: deal path -> file, line and column, for errors about missing values
        self.locate = locate
        self.numbering = Numbering.read(house.new_numbering(), house.styles)
        self.comments: list[tuple[int, str]] = []
        #: the text of each footnote, numbered from 1 in reading order
        self.footnotes: list[str] = []
        self.warnings: list[Diagnostic] = []
        self.legend = ""
        #: the deal values each clause read, by slot
        self.reads: dict[str, frozenset[str]] = {}

    # -- the checklist -------------------------------------------------------------------------
    def render(self) -> Rendered:
        with Recorder(self.issued) as record:
            bodies = {}
            for pc in self.plan.all_clauses():
                if pc.clause_id:
                    with reading() as read:
                        bodies[pc.slot] = self._clause_body(pc)
                    self.reads[pc.slot] = frozenset(read)
            self._hold_provisions(bodies)
            terms = self._terms(bodies)
            body = ox.el("w:body")
            self._cover(body)
            self._contents(body)
            self._opening(body)
            self._parties(body)
            self._recitals(body, bodies)
            self._operative(body, bodies, terms)
            self._schedules(body, bodies)
            self._execution(body)
            body.append(self.house.new_section())
        targets = self._number(body)
        placeholders = self._resolve_markers(body, targets)
        missing = record.missing
        if not self.plan.draft:
            self.warnings.extend(
                Diagnostic(
                    "W-blank-01",
                    f"clause {clause}: the text leaves the blank [{text}]",
                    hint="give the value in the deal sheet (the clause should read it from there)",
                    severity="warning",
                    **self.locate(""),
                )
                for clause, text in dict.fromkeys(record.blanks)
            )
        if missing and not self.plan.draft:
            raise AssemblerError(
                [
                    Diagnostic(
                        "E-miss-01",
                        f"clause {clause}: no value for {path}",
                        hint="add it to the deal sheet, or build with --draft",
                        **self.locate(path),
                    )
                    for clause, path in dict.fromkeys(missing)
                ]
            )
        return Rendered(
            body,
            self.numbering.root,
            self.comments,
            {k: v.prefix + v.text + v.suffix for k, v in targets.items()},
            terms,
            list(dict.fromkeys(missing)),
            accessed=record.accessed,
            placeholders=placeholders,
            warnings=self.warnings,
            paragraphs=self.paragraphs,
            legend=self.legend,
            footnotes=self.footnotes,
            reads=self.reads,
        )

    # -- clause bodies -------------------------------------------------------------------------
    def _clause_body(self, pc: PlannedClause) -> list[E]:
        clause = self.bank.clause(pc.clause_id)
        version = next(v for v in clause.versions if v.version == pc.version)
        fragment, _ = self.bank.fragment(version)
        # What import changed is recorded in clause.yaml by `bank new` and `bank approve`; a draft
        # edited since (or an entry written by hand) says it here until it is recorded.
        unrecorded = version.status == "draft" and set(fragment.notes) - set(version.imported)
        for note in sorted(unrecorded or ()):
            self.warnings.append(
                Diagnostic(
                    "W-frag-01",
                    f"clause {clause.id}@{version.version}: {note}",
                    str(version.path),
                    severity="warning",
                )
            )
        where = f"clause {clause.id}@{version.version}"
        template = self._compile(fragment.source, where, str(version.path), fragment.paragraphs)
        xml = self._run(template, clause.id, where, str(version.path))
        try:
            blocks = list(parse_xml(WRAPPER_OPEN + xml + WRAPPER_CLOSE))
        except etree.XMLSyntaxError as exc:
            raise AssemblerError(
                Diagnostic(
                    "E-tmpl-05", f"{where} renders to broken XML: {exc.msg}", str(version.path)
                )
            ) from None
        complete_tables(blocks)
        return blocks

    def _hold_provisions(self, bodies: dict[str, list[E]]) -> None:
        """An agreement as varied keeps its provisions in the places its deeds gave them: an
        omitted one "Not used", an inserted one numbered as the deed numbered it."""
        numbers = {pc.slot: pc.number for pc in self.plan.clauses}
        for place in self.plan.layout or []:
            if place.provisions and place.slot in bodies and place.slot in numbers:
                held = provisions.hold(
                    bodies[place.slot],
                    place.provisions,
                    place.omitted,
                    numbers[place.slot],
                    self.numbering,
                )
                if held is not None:
                    bodies[place.slot] = held

    def _compile(
        self, source: str, where: str, path: str, paragraphs: list[int] | None = None
    ) -> Template:
        try:
            with self._limits(where, path, "compiling"):
                return self.env.template(source)
        except TemplateSyntaxError as exc:
            line = exc.lineno or 1
            at = (
                f"paragraph {paragraphs[min(line, len(paragraphs)) - 1]}"
                if paragraphs
                else f"line {line}"
            )
            forbidden = isinstance(exc, Forbidden)
            raise AssemblerError(
                Diagnostic(
                    "E-tmpl-08" if forbidden else "E-tmpl-02",
                    f"{where}, {at}: {exc.message}",
                    path,
                    hint="a clause prints values and calls the engine's helpers; see the README's "
                    "sandbox section"
                    if forbidden
                    else "check the {% %} tags",
                )
            ) from None

    @contextmanager
    def _limits(self, where: str, path: str, doing: str) -> Iterator[None]:
        """Run a compile or render under the budget, its failures as located errors."""
        try:
            with budget(MAX_RENDER_SECONDS):
                yield
        except BudgetExceeded:
            raise AssemblerError(
                Diagnostic(
                    "E-tmpl-06",
                    f"{where}: {doing} took longer than {MAX_RENDER_SECONDS} s "
                    "(a loop that never ends?)",
                    path,
                )
            ) from None
        except MemoryError:
            raise AssemblerError(
                Diagnostic("E-tmpl-07", f"{where}: {doing} needs too much memory", path)
            ) from None
        except RecursionError:
            raise AssemblerError(
                Diagnostic("E-tmpl-04", f"{where}: {doing} recurses too deeply", path)
            ) from None
        except SecurityError as exc:
            raise AssemblerError(
                Diagnostic("E-tmpl-03", f"{where}: blocked by the sandbox: {exc}", path)
            ) from None

    def _run(self, template: Template, clause_id: str, where: str, path: str, **extra: Any) -> str:
        token = in_clause(clause_id)
        try:
            with self._limits(where, path, "rendering"):
                xml = _bounded_render(template, self.names | {"clause_id": clause_id} | extra)
                check_markers(xml or "")
        except (
            TemplateError,
            TypeError,
            ValueError,
            ArithmeticError,
            AttributeError,
            LookupError,
        ) as exc:
            raise AssemblerError(
                Diagnostic("E-tmpl-04", f"{where}: {type(exc).__name__}: {exc}", path)
            ) from None
        finally:
            token.var.reset(token)
        if xml is None:
            raise AssemblerError(
                Diagnostic(
                    "E-tmpl-07",
                    f"{where}: renders to more than {MAX_CLAUSE_CHARS:,} characters",
                    path,
                )
            )
        return xml

    def _text(self, source: str, clause_id: str, where: str, path: str, **extra: Any) -> Markup:
        return Markup(
            self._run(self._compile(source, where, path), clause_id, where, path, **extra)
        )

    # -- defined terms -------------------------------------------------------------------------
    def _terms(self, bodies: dict[str, list[E]]) -> TermReport:
        defined: list[DefinedTerm] = []
        for pc in self.plan.all_clauses():
            if not pc.clause_id:
                continue
            clause = self.bank.clause(pc.clause_id)
            path = str(self.bank.root / "clauses" / clause.id / "clause.yaml")
            for term, source in clause.defines.items():
                text = self._text(
                    source, clause.id, f"clause {clause.id}, definition of {term!r}", path
                )
                defined.append(DefinedTerm(term, str(text), clause.id))
        texts = [ox.text_of(p) for paras in bodies.values() for p in paras]
        # a capitalised phrase the deal sheet wrote (a service, a place, a network) is a name the
        # drafter chose, not a term a clause forgot to define
        known = [str(p["name"]) for p in self.names["parties"]] + [self.plan.title]
        known += text_values(self.names["deal"])
        inherited = tuple(self.names.get("original", {}).get("terms", []))  # the Agreement's
        report = find_terms(defined, texts, known, inherited)
        self.warnings.extend(report.warnings)
        return report

    # -- front matter --------------------------------------------------------------------------
    def _cover(self, body: E) -> None:
        if self.outline.parties_block:
            body.append(ox.paragraph("CoverCentred", "DATED [date]"))
            for i, party in enumerate(self.names["parties"], start=1):
                body.append(
                    _markup_paragraph("CoverCentred", Markup(f"({i}) ") + escape(party["name"]))
                )
        body.append(ox.paragraph("Title", self.plan.title))
        if self.outline.subtitle:
            text = self._text(self.outline.subtitle, "cover", "subtitle", "templates/outline")
            body.append(_markup_paragraph("CoverCentred", text))
        if self.outline.control_box:
            body.append(self._control_box())
        if self.plan.draft:
            self.legend = self._legend()
            notice = ox.paragraph(
                "CoverCentred", "DRAFT: NOT FOR SIGNATURE. Drafting notes appear as comments."
            )
            ox.el("w:spacing", notice.find(qn("w:pPr")), before="480")
            body.append(notice)
            body.append(ox.paragraph("CoverCentred", self.legend))
        body.append(ox.page_break())

    def _legend(self) -> str:
        """What a reader of a draft needs to place it: DRAFT, the date the deal sheet speaks at
        (not the build's clock: the same inputs give the same bytes) and what built it."""
        plan = self.plan
        when = self._text("{{ deal.effective_date | longdate }}", "cover", "legend", "")
        return (
            f"DRAFT as at {when} \u00b7 clause bank {plan.bank_id} {plan.bank_version} "
            f"\u00b7 assembler {plan.engine_version}"
        )

    def _control_box(self) -> E:
        """The cover's document-control box: a row per outline line, a value the deal sheet
        does not give printed as the outline's [blank]."""
        rows = []
        for label, value in self.outline.control_box:
            text = self._text(value, "cover", f"document control: {label}", "templates/outline")
            rows.append([ox.paragraph(None, label, bold=True), _markup_paragraph(None, text)])
        return ox.table(rows, CONTROL_BOX_WIDTHS)

    def _contents(self, body: E) -> None:
        """One entry per clause and schedule, each a link to its heading; page numbers come
        later, from a layout pass (:func:`assembler.package.export.paginate`), or not at all."""
        body.append(ox.paragraph("TOCHeading", "Contents"))
        entries = [
            (pc, [ox.run(pc.number + "."), ox.tab_run(), ox.run(pc.title)])
            for pc in self.plan.clauses
        ]
        entries += [(pc, [ox.run(f"{pc.number}: {pc.title}")]) for pc in self.plan.schedules]
        for i, (pc, runs) in enumerate(entries):
            p = ox.paragraph(toc.TOC_STYLE)
            if i == 0:
                p.extend(ox.field_runs('TOC \\o "1-1" \\h \\z \\u', "")[:3])
            p.append(toc.entry(bookmark_name(pc.clause_id or pc.slot), runs))
            if i == len(entries) - 1:
                p.append(ox.field_runs("", "")[-1])
            body.append(p)
        body.append(ox.page_break())

    def _opening(self, body: E) -> None:
        if self.outline.opening:
            body.append(ox.paragraph(None, self.outline.opening))

    def _parties(self, body: E) -> None:
        if not self.outline.parties_block:
            return
        body.append(ox.paragraph("PartHeading", "Parties"))
        for party in self.names["parties"]:
            mark_used(
                *(
                    f"{party.path}.{key}"
                    for key in (
                        "id",
                        "name",
                        "kind",
                        "roles",
                        "address",
                        "registration",
                        "signatory",
                        "legal_form",
                    )
                )
            )
            address = self._text("{{ p.address }}", "parties", f"party {party['id']}", "", p=party)
            text = escape(party["name"]) + Markup(", ") + party["legal_description"]
            body.append(_markup_paragraph("PartyEntry", text + Markup(", of ") + address))

    def _recitals(self, body: E, bodies: dict[str, list[E]]) -> None:
        if "recitals" not in bodies:
            return
        body.append(ox.paragraph("PartHeading", "Background"))
        for p in bodies["recitals"]:
            _restyle(p, "Recital")
            body.append(p)

    # -- operative clauses ---------------------------------------------------------------------
    def _operative(self, body: E, bodies: dict[str, list[E]], terms: TermReport) -> None:
        body.append(ox.paragraph("PartHeading", self.outline.operative_heading))
        for pc in self.plan.clauses:
            heading = self._heading("ClauseHeading", pc.title, pc)
            body.append(heading)
            if pc.kind == "definitions":
                body.extend(self._definitions(terms))
            body.extend(bodies.get(pc.slot, []))

    def _heading(self, style: str, text: str, pc: PlannedClause) -> E:
        p = _markup_paragraph(style, escape(text) + _label_marker(pc.clause_id or pc.slot))
        if self.plan.draft and pc.clause_id:
            note = self.bank.clause(pc.clause_id).note
            if note:
                self._comment(p, f"{pc.clause_id}@{pc.version}: {note.strip()}")
        return p

    def _definitions(self, terms: TermReport) -> list[E]:
        if not terms.used:
            return []
        intro = Markup(
            f"In {escape(self.plan.short_name)} the following words have these meanings:"
        )
        paragraphs = [_markup_paragraph("Clause2", intro)]
        for i, term in enumerate(terms.used):
            end = "." if i == len(terms.used) - 1 else ";"
            p = ox.paragraph("Definition")
            p.append(ox.run(f"\u201c{term.term}\u201d", style="DefinedTerm"))
            p.append(_markup_run(Markup(" means ") + Markup(term.text) + Markup(end)))
            paragraphs.append(p)
        return paragraphs

    def _comment(self, p: E, text: str) -> None:
        comment_id = len(self.comments)
        self.comments.append((comment_id, text))
        ppr = p.find(qn("w:pPr"))
        ppr.addnext(ox.el("w:commentRangeStart", id=str(comment_id)))
        p.append(ox.el("w:commentRangeEnd", id=str(comment_id)))
        reference = ox.el("w:r", p)
        ox.el("w:rStyle", ox.el("w:rPr", reference), val="CommentReference")
        ox.el("w:commentReference", reference, id=str(comment_id))

    # -- schedules -----------------------------------------------------------------------------
    def _schedules(self, body: E, bodies: dict[str, list[E]]) -> None:
        legal_num = self.numbering.style_links[LEGAL_LIST][0]
        for pc in self.plan.schedules:
            body.append(self._heading("ScheduleHeading", pc.number, pc))
            body.append(ox.paragraph("ScheduleTitle", pc.title))
            restart = self.numbering.add_restart(legal_num)
            blocks = bodies.get(pc.slot, [])
            # A schedule without paragraph headings numbers its sub-clauses 1, 2, 3 rather than
            # 1.1, 1.2: a "1.1" under no "1" is shown as "6.1" by LibreOffice, which continues
            # the shared list, and as "1.1" by Word.
            headed = any(ox.style_of(p) == "ScheduleClause1" for p in paragraphs_in(blocks))
            for p in paragraphs_in(blocks):
                level = LIST_LEVELS.get(ox.style_of(p) or "")
                if level is not None:
                    ox.set_numbering(p, restart, level if headed or level != 1 else 0)
            body.extend(blocks)

    # -- execution -----------------------------------------------------------------------------
    def _execution(self, body: E) -> None:
        """The execution blocks: the heading (and closing words) keep with the first block, each
        line of a block with the next, and no block with the one after it, so with any number of
        parties a page breaks only between blocks."""
        mode = self.outline.execution
        if mode == "none":
            return
        heading = ox.paragraph("ScheduleHeading", "Execution")
        body.append(heading)
        if self.outline.closing:
            closing = ox.paragraph(None, self.outline.closing)
            ox.keep_with_next(closing, True)
            body.append(closing)
        for party in self.names["parties"]:
            lines = [
                line
                for source in self.forms[party["kind"]][mode]
                for line in self._text(
                    source,
                    "execution",
                    f"execution block for {party['id']}",
                    "templates/legal-forms.yaml",
                    p=party,
                ).split("\n")  # an entry may print a line per partner
                if line.strip()
            ]
            block = [_markup_paragraph("ExecutionBlock", Markup(text)) for text in lines]
            ox.el("w:spacing", block[0].find(qn("w:pPr")), before="480")
            ox.keep_with_next(block[-1], False)  # a block never splits; pages break between blocks
            body.extend(block)

    # -- numbers, bookmarks and fields ---------------------------------------------------------
    def _number(self, body: E) -> dict[str, Target]:
        """Walk the body as Word will, computing every list number; bookmark every target."""
        targets: dict[str, Target] = {}
        schedule = ""
        clause_ref = ""
        self.paragraphs: list[Numbered] = []
        for p in body.iter(qn("w:p")):
            style = ox.style_of(p)
            labels = _labels(p)  # strips the label markers, so the text below is what prints
            if style == "ScheduleHeading":
                schedule = ox.text_of(p).strip()
            listed = self.numbering.list_of(p, style)
            printed, reference = "", ""
            if listed:
                printed, reference = self.numbering.next_number(*listed)
                if style == LEGAL_LIST:
                    clause_ref = reference
            self.paragraphs.append(Numbered(p, style or "", reference, tuple(labels), printed))
            for name in labels:
                if name in targets:
                    raise AssemblerError(
                        Diagnostic("E-ref-04", f"label {name!r} is used twice", self.plan.deal_path)
                    )
                bookmark = bookmark_name(name)
                ox.bookmark(p, bookmark, len(targets) + 1)
                if style == "ScheduleHeading":
                    targets[name] = Target(bookmark, schedule, "", "", False)
                elif schedule:
                    targets[name] = Target(
                        bookmark, reference or "?", "paragraph ", f" of {schedule}", True
                    )
                else:
                    targets[name] = Target(
                        bookmark, reference or clause_ref, "clause ", "", bool(reference)
                    )
        return targets

    def _resolve_markers(self, body: E, targets: dict[str, Target]) -> int:
        """Replace marker characters with REF fields, highlighted blanks and missing values."""
        placeholders = 0
        errors: list[Diagnostic] = []
        # collected first (the loop replaces runs), but only the texts that need it
        marked = [t for t in body.iter(qn("w:t")) if t.text and (MARK in t.text or "[" in t.text)]
        for t in marked:
            text = t.text
            r = t.getparent()
            rpr = r.find(qn("w:rPr"))
            new_runs: list[E] = []
            for segment in _segments(text):
                match = MARKERS.fullmatch(segment)
                if match is None and PLACEHOLDER_TEXT.fullmatch(segment):
                    placeholders += 1
                    new_runs.append(ox.run(segment, rpr=_styled(rpr, "Placeholder")))
                elif match is None:
                    new_runs.append(ox.run(segment, rpr=rpr))
                elif match.group(1) == "F":
                    new_runs.append(self._footnote(match.group(2)))
                elif match.group(1) == "M":
                    new_runs.append(
                        ox.run(f"[MISSING: {match.group(2)}]", rpr=_styled(rpr, "MissingValue"))
                    )
                elif match.group(1) in ("R", "B"):  # B: a number in a list, "clauses 9, 15"
                    source, target = match.group(2).split(SEP)
                    bare = match.group(1) == "B"
                    new_runs.extend(self._reference(source, target, targets, rpr, errors, bare))
            parent = r.getparent()
            position = parent.index(r)
            others = [c for c in r if c.tag not in (qn("w:rPr"), qn("w:t"))]
            for child in others:  # a tab or break in the same run keeps its place after the text
                extra = ox.el("w:r")
                if rpr is not None:
                    extra.append(ox._copy(rpr))
                extra.append(child)
                new_runs.append(extra)
            parent.remove(r)
            for offset, new in enumerate(new_runs):
                parent.insert(position + offset, new)
        if errors:
            raise AssemblerError(errors)
        return placeholders

    def _footnote(self, text: str) -> E:
        """The reference mark of a footnote from a fragment; its text goes to the notes part."""
        self.footnotes.append(text)
        return ox.footnote_reference(len(self.footnotes))

    def _reference(
        self,
        source: str,
        target: str,
        targets: dict[str, Target],
        rpr: E | None,
        errors: list[Diagnostic],
        bare: bool = False,
    ) -> list[E]:
        found = targets.get(target)
        if found is None:
            clause_id = target.split(".")[0]
            why = (
                "is not in this document"
                if clause_id not in {c.clause_id for c in self.plan.all_clauses()}
                else "has no such label"
            )
            message = f"clause {source} refers to {target}, which {why}"
            if not self.plan.draft:
                errors.append(
                    Diagnostic(
                        "E-ref-02",
                        message,
                        self.plan.deal_path,
                        hint="include the target clause, or remove the reference",
                    )
                )
            else:
                self.warnings.append(
                    Diagnostic("W-ref-02", message, self.plan.deal_path, severity="warning")
                )
            return [ox.run(f"[MISSING REFERENCE: {target}]", rpr=_styled(rpr, "MissingValue"))]
        switches = " \\r \\w \\h" if found.numbered else " \\h"
        prefix = "" if bare and found.prefix == "clause " else found.prefix
        runs = [ox.run(prefix, rpr=rpr)] if prefix else []
        runs += ox.field_runs(f"REF {found.bookmark}{switches}", found.text, rpr)
        if found.suffix:
            runs.append(ox.run(found.suffix, rpr=rpr))
        return runs


# -- small helpers ---------------------------------------------------------------------------------


def _label_marker(target: str) -> Markup:
    return Markup(f"{MARK}L{SEP}{target}{END}")


def _labels(p: E) -> list[str]:
    names = []
    for t in p.iter(qn("w:t")):
        text = t.text
        if not text or MARK not in text:
            continue
        for match in MARKERS.finditer(text):
            if match.group(1) == "L":
                names.append(match.group(2))
        t.text = MARKERS.sub(lambda m: "" if m.group(1) == "L" else m.group(0), text)
    return names


def _segments(text: str) -> list[str]:
    out, position = [], 0
    for match in SEGMENT.finditer(text):
        if match.start() > position:
            out.append(text[position : match.start()])
        out.append(match.group(0))
        position = match.end()
    if position < len(text):
        out.append(text[position:])
    return [s for s in out if s]


def bookmark_name(target: str) -> str:
    """Word's hidden-bookmark form (``_Ref`` + digits), stable for a target across builds."""
    digest = int(hashlib.sha1(target.encode()).hexdigest(), 16) % 10**9
    return f"_Ref{digest:09d}"


def _styled(rpr: E | None, style: str) -> E:
    """A copy of run properties with character style ``style`` (first, as the schema requires)."""
    new = ox._copy(rpr) if rpr is not None else ox.el("w:rPr")
    for old in new.findall(qn("w:rStyle")):
        new.remove(old)
    new.insert(0, ox.el("w:rStyle", val=style))
    return new


def _restyle(p: E, style: str) -> None:
    found = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    if found is not None:
        found.set(qn("w:val"), style)


def _markup_run(text: Markup) -> E:
    r = parse_xml(
        f'{WRAPPER_OPEN}<w:r><w:t xml:space="preserve">{text}</w:t></w:r>{WRAPPER_CLOSE}'
    )[0]
    return r


def _markup_paragraph(style: str | None, text: Markup) -> E:
    """A paragraph from escaped text that may hold markers (they are resolved later)."""
    p = ox.paragraph(style)
    p.append(_markup_run(text))
    return p
