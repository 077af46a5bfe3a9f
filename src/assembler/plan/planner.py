"""Stage 2: the Plan, the pure-data centre: which clause version fills each slot, and its number.

A Plan is what a lock file records, what ``--locked`` rebuilds from, and what a deed of variation
will compare. It holds no XML and no Jinja: only ids, versions, hashes, numbers and criteria.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup

from assembler.bank.clausebank import Clause, ClauseBank
from assembler.bank.outline import Outline, Slot
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.schema import suggest
from assembler.deal.sheet import Deal
from assembler.plan.reads import reaches, template_reads
from assembler.template.sandbox import EVALUATION_ERRORS, ClauseEnvironment, MapNode, budget

ENGINE_VERSION = "0.1.0"


@dataclass(frozen=True, slots=True)
class PlannedClause:
    slot: str
    clause_id: str
    version: str
    sha256: str
    title: str
    kind: str
    number: str
    criteria: tuple[str, ...] = ()
    status: str = "approved"  # of the chosen version: "draft" only in a draft build
    #: the deal values its text reads (``deal.population.cohort``, ``deal.parties[].name``):
    #: what a deed of variation traces a changed value through (:mod:`assembler.plan.reads`)
    reads: tuple[str, ...] = ()

    def reads_value(self, path: str) -> bool:
        """Whether its text reads the deal value at PATH (``term.years``, ``parties[2].name``)."""
        return any(reaches(read, path) for read in self.reads)


@dataclass(frozen=True)
class Place:
    """A position in an agreement that has been varied: numbers never move once signed, so a
    slot the variation removed stays as "Not used" and a new slot is added at the end."""

    slot: str
    part: str  # clauses | schedules
    not_used: bool = False
    #: the labels of the clause's numbered provisions in order ("1", "1A", "2"), when a deed
    #: omitted or inserted one: an omitted one keeps its number as "Not used", an inserted one
    #: is numbered as the deed numbered it (empty: numbered 1, 2, 3 as the clause renders)
    provisions: tuple[str, ...] = ()
    omitted: tuple[str, ...] = ()


NOT_USED = "not_used"


@dataclass
class Plan:
    document_type: str
    title: str
    deal_id: str
    deal_path: str
    deal_sha256: str
    bank_id: str
    bank_version: str
    draft: bool
    is_deed: bool
    short_name: str
    clauses: list[PlannedClause]
    schedules: list[PlannedClause] = field(default_factory=list)
    recitals: PlannedClause | None = None
    engine_version: str = ENGINE_VERSION
    #: set for an agreement as varied: the places, in order, that keep the signed numbering
    layout: list[Place] | None = None
    #: values the deal sheet wrote as a lawyer writes them, and how they were read
    #: ({"key", "written", "read"}), recorded in the lock
    deal_readings: list[dict[str, str]] = field(default_factory=list)

    def all_clauses(self) -> list[PlannedClause]:
        front = [self.recitals] if self.recitals else []
        return front + self.clauses + self.schedules

    def readers(self, path: str) -> list[PlannedClause]:
        """The clauses and schedules whose text reads the deal value at PATH (``term.years``,
        ``parties[2].name``): every one a change to that value re-renders."""
        return [pc for pc in self.all_clauses() if pc.reads_value(path)]

    def criteria(self) -> dict[str, list[str]]:
        """Criterion id -> numbers of the clauses that satisfy it in this document."""
        found: dict[str, list[str]] = {}
        for planned in self.clauses + self.schedules:
            for criterion in planned.criteria:
                found.setdefault(criterion, []).append(planned.number)
        return dict(sorted(found.items()))


#: What ``--locked`` passes in: slot -> (clause id, version, sha256) as recorded in the lock.
Pins = dict[str, tuple[str, str, str]]


def party_records(
    deal: Deal, env: ClauseEnvironment, forms: dict[str, Any]
) -> list[dict[str, Any]]:
    """The deal's parties with what clauses ask of them: role flags and legal description."""
    records = []
    for party in deal.data.get("parties", []):
        record = dict(party)
        roles = party.get("roles", [])
        record["is_commissioner"] = "commissioner" in roles
        record["is_provider"] = "provider" in roles
        with budget():  # the form's wording is a template too: same sandbox, same limits
            template = env.from_string(forms[party["kind"]]["description"])
            record["legal_description"] = Markup(template.render(p=MapNode(party, "party")))
        records.append(record)
    for path, old in deal.aliases:  # what clause versions approved before a rename read
        if (found := re.fullmatch(r"parties\[(\d+)\]\.(\w+)", path)) is not None:
            records[int(found[1])][old] = records[int(found[1])][found[2]]
    return records


def document_info(deal: Deal, outline: Outline) -> dict[str, Any]:
    return {
        "title": deal.data["title"],
        "type": deal.document_type,
        "is_deed": outline.is_deed,
        "short_name": outline.short_name,
    }


class Planner:
    """Resolve an outline against a deal and a bank into a :class:`Plan`."""

    def __init__(
        self,
        deal: Deal,
        bank: ClauseBank,
        outline: Outline,
        env: ClauseEnvironment,
        names: dict[str, Any],
        *,
        draft: bool = False,
        pins: Pins | None = None,
        layout: list[Place] | None = None,
    ):
        self.deal, self.bank, self.outline, self.env = deal, bank, outline, env
        self.names = names
        self.draft = draft
        self.pins = pins
        self.layout = layout
        self.errors: list[Diagnostic] = []

    def plan(self) -> Plan:
        """The plan, or every error found in it at once (each located in the deal sheet)."""
        self._check_date()
        clauses, schedules = self._numbered()
        recitals = None
        if self.outline.recitals:
            slot = Slot("recitals", self.outline.recitals)
            recitals = self._planned(slot, self._resolve(slot), "Background", kind="recitals")
        self._check_choices()
        self._check_pins(
            {c.clause_id for c in clauses + schedules + ([recitals] if recitals else [])}
        )
        if self.errors:
            raise AssemblerError(self.errors)
        if clauses and clauses[0].kind == "definitions":  # it prints every clause's definitions
            clauses[0] = self._defining(clauses[0], [recitals, *clauses, *schedules])
        data = self.deal.data
        return Plan(
            document_type=self.deal.document_type,
            title=data["title"],
            deal_id=data["deal_id"],
            deal_path=self.deal.path.as_posix(),
            deal_sha256=self.deal.sha256,
            bank_id=self.bank.id,
            bank_version=self.bank.version,
            draft=self.draft,
            is_deed=self.outline.is_deed,
            short_name=self.outline.short_name,
            clauses=clauses,
            schedules=schedules,
            recitals=recitals,
            layout=self.layout,
            deal_readings=[
                {"key": key, "written": written, "read": read}
                for key, written, read in self.deal.readings
            ],
        )

    def _check_date(self) -> None:
        if not isinstance(self.deal.data.get("effective_date"), dt.date):
            raise AssemblerError(
                Diagnostic(
                    "E-date-02",
                    "effective_date: must be a real date, not a placeholder",
                    hint="the date picks which approved version of each clause applies",
                    **self.deal.where("effective_date"),
                )
            )

    def _numbered(self) -> tuple[list[PlannedClause], list[PlannedClause]]:
        """The clauses (the definitions first, numbered 1) and the schedules, numbered in order."""
        clauses = []
        if self.outline.definitions_title:
            interpretation = self.outline.interpretation
            clause = self.bank.clause(interpretation) if interpretation else None
            slot = Slot("definitions", interpretation)
            title = self.outline.definitions_title
            clauses.append(self._planned(slot, clause, "1", title=title, kind="definitions"))
        schedules: list[PlannedClause] = []
        for part, slot, clause in self._slots():
            if part == "clauses":
                clauses.append(self._planned(slot, clause, str(len(clauses) + 1)))
            else:
                number = self.outline.words.schedule.format(number=len(schedules) + 1)
                schedules.append(self._planned(slot, clause, number))
        return clauses, schedules

    def _check_pins(self, used: set[str]) -> None:
        """A pin of a clause this document does not use is a typo or meant for another document."""
        for clause_id in self.deal.data.get("pins", {}):
            if clause_id not in used:
                self.errors.append(
                    Diagnostic(
                        "E-plan-03",
                        f"pins.{clause_id}: no clause {clause_id!r} in this document",
                        hint="pin a clause the document uses",
                        **self.deal.where(f"pins.{clause_id}"),
                    )
                )

    def _slots(self) -> list[tuple[str, Slot, Clause | None]]:
        """(part, slot, clause) in document order: the outline's, or a varied agreement's layout
        (where a slot without a clause is a "Not used" place that keeps its number)."""
        if self.layout is None:
            found: list[tuple[str, Slot, Clause | None]] = []
            for part in ("clauses", "schedules"):
                for slot in getattr(self.outline, part):
                    clause = self._resolve(slot)
                    if clause is not None:
                        found.append((part, slot, clause))
            return found
        by_name = {s.name: s for s in self.outline.clauses + self.outline.schedules}
        placed: list[tuple[str, Slot, Clause | None]] = []
        for place in self.layout:
            slot = by_name.get(place.slot, Slot(place.slot))
            clause = None if place.not_used else self._resolve(slot)
            placed.append((place.part, slot, clause))
        return placed

    def _check_choices(self) -> None:
        """A choice the outline does not offer is a typo or a choice for another document type."""
        offered = {s.choose for s in self.outline.clauses + self.outline.schedules if s.choose}
        for key in self.deal.data.get("choices", {}):
            if key not in offered:
                close = suggest(key, offered)
                self.errors.append(
                    Diagnostic(
                        "E-plan-04",
                        f"choices.{key}: a {self.deal.document_type} offers no such choice",
                        hint=close or "choices offered: " + (", ".join(sorted(offered)) or "none"),
                        **self.deal.where(f"choices.{key}"),
                    )
                )

    def _resolve(self, slot: Slot) -> Clause | None:
        """The clause that fills ``slot`` for this deal, or None if its condition is false."""
        if self.pins is not None:
            pinned = self.pins.get(slot.name)
            return self.bank.clause(pinned[0]) if pinned else None
        clause = self._choose(slot) if slot.choose else self.bank.clause(str(slot.clause))
        if clause is None:
            return None
        if self.deal.document_type not in clause.document_types:
            self.errors.append(
                Diagnostic(
                    "E-plan-02",
                    f"clause {clause.id} is not written for a {self.deal.document_type}",
                    str(self.bank.root / "clauses" / clause.id),
                )
            )
            return None
        if clause.condition and not self._holds(clause):
            return None
        return clause

    def _choose(self, slot: Slot) -> Clause | None:
        choices = self.deal.data.get("choices", {})
        option = choices.get(slot.choose, slot.default)
        candidates = {
            c.option: c
            for c in self.bank.clauses.values()
            if c.choice == slot.choose and self.deal.document_type in c.document_types
        }
        if option in candidates:
            return candidates[option]
        where = self.deal.where(f"choices.{slot.choose}")
        hint = "options in the bank: " + (", ".join(sorted(map(str, candidates))) or "none")
        self.errors.append(
            Diagnostic(
                "E-plan-01",
                f"choices.{slot.choose}: no clause offers option {option!r}",
                hint=hint,
                **where,
            )
        )
        return None

    def _holds(self, clause: Clause) -> bool:
        try:
            with budget():
                expression = self.env.compile_expression(
                    str(clause.condition), undefined_to_none=False
                )
                return bool(expression(**self.names))
        except EVALUATION_ERRORS as exc:  # a bad condition is the bank's error: say which clause
            self.errors.append(
                Diagnostic(
                    "E-bank-07",
                    f"clause {clause.id}: condition "
                    f"{clause.condition!r} cannot be evaluated: {exc}",
                    str(self.bank.root / "clauses" / clause.id / "clause.yaml"),
                )
            )
            return False

    def _planned(
        self,
        slot: Slot,
        clause: Clause | None,
        number: str,
        *,
        title: str | None = None,
        kind: str | None = None,
    ) -> PlannedClause:
        if clause is None and kind is None:  # a place a variation emptied: it keeps its number
            title = self.outline.words.not_used_clause
            return PlannedClause(slot.name, "", "", "", title, NOT_USED, number)
        if clause is None:
            return PlannedClause(slot.name, "", "", "", title or "", kind or "clause", number)
        pinned = self.pins.get(slot.name) if self.pins else None
        deal_pin = self.deal.data.get("pins", {}).get(clause.id)
        try:
            version = clause.pick(
                self.deal.data["effective_date"],
                draft=self.draft,
                pinned=pinned[1] if pinned else deal_pin,
            )
        except AssemblerError as exc:  # say where in the deal sheet the pin or date came from
            where = self.deal.where(f"pins.{clause.id}" if deal_pin else "effective_date")
            raise AssemblerError([replace(d, **where) for d in exc.diagnostics]) from None
        fragment, digest = self.bank.fragment(version)
        if pinned and pinned[2] != digest:
            self.errors.append(
                Diagnostic(
                    "E-lock-02",
                    f"clause {clause.id}@{version.version} has changed "
                    "since the lock file was written",
                    str(version.path),
                    hint="the locked wording is no longer in the bank; rebuild without --locked",
                )
            )
        return PlannedClause(
            slot.name,
            clause.id,
            version.version,
            digest,
            title or clause.title,
            kind or clause.kind,
            number,
            tuple(clause.criteria),
            version.status,
            template_reads(self.env, [fragment.source]),
        )

    def _defining(
        self, definitions: PlannedClause, planned: list[PlannedClause | None]
    ) -> PlannedClause:
        """The definitions clause, reading what each planned clause's definitions read."""
        sources = [
            source
            for pc in planned
            if pc is not None and pc.clause_id
            for term, text in self.bank.clause(pc.clause_id).definitions(pc.version).items()
            for source in (term, text)
        ]
        reads = template_reads(self.env, sources)
        return replace(definitions, reads=tuple(sorted({*definitions.reads, *reads})))
