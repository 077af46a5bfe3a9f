"""The bank's register of law and bodies by date (``law.yaml``): what was in force when.

A document is drafted for its deal's effective date. The register, not the clause text, holds the
dates: clauses cite law through ``law('<topic>')`` and the E-law rules check a deal's bodies and
procurement regimes against it, naming the successor of whatever is no longer in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assembler.core.errors import AssemblerError
from assembler.core.schema import Checker, Date, Enum, F, ListOf, Map, Str
from assembler.core.yamlio import read_yaml
from assembler.template.sandbox import Missing

ENTRY_KINDS = ("body", "regime", "law")

ENTRY = Map(
    {
        "id": F(Str(r"[a-z0-9_]+", "lower-case letters, digits and _"), required=True),
        "kind": F(Enum(*ENTRY_KINDS), required=True),
        "name": F(Str(), required=True),
        "topic": F(Str(r"[a-z_]+", "lower-case letters and _")),
        "from": F(Date(), hint="the first day in force (none: before any deal the bank serves)"),
        "until": F(Date(), hint="the last day in force (none: in force today)"),
        "successor": F(Str(), hint="the id of the entry that replaced it"),
        "source": F(
            Str(), required=True, hint="the legislation, with its legislation.gov.uk address"
        ),
        "checked": F(
            Str(),
            required=True,
            hint="where the dates were checked (law-by-date.md, legislation.gov.uk) and what is not confirmed",
        ),
        "assumes": F(Str(), hint="what the entry takes for granted, where the law is not settled"),
    }
)
REGISTER = Map({"entries": F(ListOf(ENTRY), required=True)})


@dataclass(frozen=True)
class LawEntry:
    id: str
    kind: str
    name: str
    source: str
    topic: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    successor: str | None = None

    def in_force(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)

    def period(self) -> str:
        """ "from 1 July 2022", "until 30 June 2022", "from 1 April 2013 until 30 June 2022"."""
        parts = [
            f"{word} {_long(day)}" for word, day in (("from", self.start), ("until", self.end))
        ]
        return " ".join(p for p, day in zip(parts, (self.start, self.end), strict=True) if day)


def _long(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


@dataclass(frozen=True)
class LawRegister:
    """The entries of ``law.yaml`` by id; an empty register (a bank without one) checks nothing."""

    entries: dict[str, LawEntry] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> LawRegister:
        if not path.is_file():
            return cls()
        data, _ = read_yaml(path)
        ck = Checker(str(path))
        checked = REGISTER.check(data, ck, "", (1, 1))
        errors = [d for d in ck.diagnostics if d.severity == "error"]
        if errors:
            raise AssemblerError(errors)
        return cls({e["id"]: _entry(e) for e in checked["entries"]})

    def get(self, entry_id: str) -> LawEntry | None:
        return self.entries.get(entry_id)

    def in_force(self, kind: str, on: dt.date) -> list[str]:
        """The ids of the entries of a kind in force on a date, in register order (for the starter:
        ``in_force('body', date.today())``)."""
        return [e.id for e in self.entries.values() if e.kind == kind and e.in_force(on)]

    def current(self, topic: str, on: dt.date) -> LawEntry | None:
        """The law on a topic in force on a date."""
        found = [e for e in self.entries.values() if e.topic == topic and e.in_force(on)]
        return found[0] if found else None

    def not_in_force(self, entry_id: str, on: dt.date) -> str | None:
        """Why an entry cannot be named on a date, with its successor, or None if it can (or the
        register does not know it)."""
        entry = self.entries.get(entry_id)
        if entry is None or entry.in_force(on):
            return None
        reason = f"{entry.name} is in force only {entry.period()}"
        successor = self.successor_on(entry, on)
        if successor:
            return f"{reason}; on {_long(on)} its successor is {successor.name} ({successor.id})"
        return reason

    def successor_on(self, entry: LawEntry, on: dt.date) -> LawEntry | None:
        """The entry that, through one successor or a chain of them (a primary care trust, then a
        CCG, then an ICB), stands in an entry's place on a date; None if none is in force then."""
        seen = {entry.id}
        while (successor := self.entries.get(entry.successor or "")) and successor.id not in seen:
            if successor.in_force(on):
                return successor
            seen.add(successor.id)
            entry = successor
        return None

    def rule_for(self, entry_id: str) -> str | None:
        """The rule that reports an entry named where it is not in force: E-law-01 for a body (a
        party's legal form), E-law-02 for a procurement regime; None for other entries."""
        kind = self.entries[entry_id].kind if entry_id in self.entries else None
        return {"body": "E-law-01", "regime": "E-law-02"}.get(kind or "")


def _entry(data: dict[str, Any]) -> LawEntry:
    return LawEntry(
        data["id"],
        data["kind"],
        data["name"],
        data["source"],
        data.get("topic"),
        data.get("from"),
        data.get("until"),
        data.get("successor"),
    )


def citer(register: LawRegister, on: Any) -> Callable[[str], Any]:
    """The ``law('<topic>')`` clause helper for a deal: the law on a topic in force on the deal's
    date (today's law while the date is still a blank), or a missing value the build reports."""
    day = on if isinstance(on, dt.date) else dt.date.today()

    def law(topic: str) -> Any:
        entry = register.current(str(topic), day)
        return entry.name if entry else Missing(name=f"law('{topic}') on {_long(day)}")

    return law
