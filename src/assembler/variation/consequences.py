"""What a variation may have made spent, false or still needed, for the drafter to judge: the
warnings a deed of variation is built with, traced through the plans of the agreement as signed
and as varied.

- ``W-var-02``: a provision that still prints the words a changed value replaced, and a value the
  variation leaves unchanged that an amended provision prints beside one it changes.
- ``W-var-03``: a clause conditional on the parties' roles that the deed omits while the deal
  still names a party in a role its roles no longer give (the clause may still be needed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from assembler.core.errors import Diagnostic
from assembler.deal.sheet import Deal
from assembler.pipeline.build import Assembled
from assembler.pipeline.workspace import Workspace
from assembler.plan.reads import template_reads
from assembler.variation.sections import Section, sections


def consequences(
    old: Assembled,
    deal: Deal,
    changes: list[dict[str, Any]],
    varied: Assembled,
    now: dict[str, Section],
    ws: Workspace,
) -> list[Diagnostic]:
    """Every W-var-02 and W-var-03 of a variation from OLD (as signed) to VARIED (from DEAL),
    whose deed makes CHANGES; NOW is the varied agreement's text by place."""
    return (
        _still_reads(old.deal, deal, now)
        + _unchanged_beside(old.deal, deal, changes, varied)
        + _roles_still_needed(old, deal, changes, ws)
    )


#: The shortest changed value worth looking for in the text (shorter ones match by chance).
MIN_TRACED = 4


def _still_reads(old_deal: Deal, deal: Deal, varied: dict[str, Section]) -> list[Diagnostic]:
    """W-var-02: a deal value the variation changes that the agreement as varied still prints
    (a provision no clause of the bank re-derives from the value: written into a sentence, or
    derived from it). The engine cannot tell whether the provision is now spent or false, so it
    names the provisions for the drafter, at the changed value's line."""
    before, after = dict(_leaves(old_deal.data)), dict(_leaves(deal.data))
    found = []
    for path, value in before.items():
        new = after.get(path)
        old = _changed_words(value, new) if new is not None else ""
        if len(old) < MIN_TRACED or not re.search(r"\s|\d", old):
            continue  # one short word matches by chance
        pattern = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)")
        places = [
            f"{section.number if section.number.startswith('Schedule') else 'clause'} "
            f"{number or section.number}".strip()
            for section in varied.values()
            for number, _, text in section.paragraphs
            if pattern.search(text)
        ]
        if places:
            found.append(
                Diagnostic(
                    "W-var-02",
                    f"{path} changes from {value!r} to {new!r}, but the agreement as varied "
                    f"still reads {old!r} in {', '.join(dict.fromkeys(places))}: check whether each "
                    "is now spent or false, and amend it in the deed if so",
                    hint="edit the deed's deal sheet (amendments) and build it again",
                    severity="warning",
                    **deal.where(path),
                )
            )
    return found


def _unchanged_beside(
    old_deal: Deal, deal: Deal, changes: list[dict[str, Any]], varied: Assembled
) -> list[Diagnostic]:
    """W-var-02: a value the variation leaves as it was, that a provision the deed amends still
    prints beside a value of the same entry that it changes ("the whole population ...
    (estimated at about 50,000 people)": population.estimated_size was the over-65s'). Traced
    through the plan: the clauses that read each changed value, the provisions of theirs the
    deed amends, the unchanged values of the same entry they read. Whether such a value still
    holds is for the drafter, at its line."""
    before, after = dict(_leaves(old_deal.data)), dict(_leaves(deal.data))
    changed = sorted(path for path, value in after.items() if before.get(path, value) != value)
    amended = _amended_provisions(changes, sections(varied.plan, varied.rendered.laid_out))
    found: dict[tuple[str, str], Diagnostic] = {}
    for path in changed:
        entry = path.rpartition(".")[0]
        beside = [p for p in after if p.rpartition(".")[0] == entry and p not in changed]
        for pc in varied.plan.readers(path):
            for number, text in amended.get(pc.slot, []):
                for other in filter(pc.reads_value, beside):
                    value = after[other]
                    if value.startswith("[") or (number, other) in found:
                        continue
                    if re.search(rf"(?<![\d,.]){re.escape(value)}(?![\d,])", text):
                        found[number, other] = Diagnostic(
                            "W-var-02",
                            f"clause {number} changes with {path} and still gives {other} "
                            f"({value}), which the variation does not change: check that it "
                            "still holds",
                            hint=f"change {other} in the deal sheet if it no longer holds",
                            severity="warning",
                            **deal.where(other),
                        )
    return list(found.values())


def _amended_provisions(
    changes: list[dict[str, Any]], varied: dict[str, Section]
) -> dict[str, list[tuple[str, str]]]:
    """Slot -> (number, text as varied) of each provision the deed amends by name."""
    found: dict[str, list[tuple[str, str]]] = {}
    for change in changes:
        section = varied.get(change["at"])
        if section is None or "provision" not in change:
            continue
        number = _full_number(section, change["provision"])
        texts = [text for n, _, text in section.paragraphs if n == number]
        if texts:
            found.setdefault(section.slot, []).append((number, texts[0]))
    return found


def _full_number(section: Section, provision: str) -> str:
    """A provision's number in full ("5.1" for provision "1" of clause 5)."""
    if section.number.startswith("Schedule") or provision.startswith("("):
        return provision if section.number.startswith("Schedule") else section.number + provision
    return f"{section.number}.{provision}"


def _changed_words(old: str, new: str) -> str:
    """The words of ``old`` that ``new`` changes: the passage between what they share at each
    end ("people aged 65 and over" of "people aged 65 and over living in ...")."""
    a, b = old.split(" "), new.split(" ")
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return " ".join(a[start : len(a) - end])


def _leaves(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text or number in a deal sheet, by its dotted path (parties[2].name)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "variation":
                yield from _leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, f"{path}[{i}]")
    elif isinstance(node, str | int | float) and not isinstance(node, bool):
        yield path, f"{node:,}" if isinstance(node, int) else str(node)


def _roles_still_needed(
    old: Assembled, deal: Deal, changes: list[dict[str, Any]], ws: Workspace
) -> list[Diagnostic]:
    """W-var-03: a clause whose condition turns on the parties' roles (the conflicts protocol,
    while a party is both commissioner and provider) that the deed omits while the deal still
    names a party in a role its roles no longer give (a service contract the Council still
    provides under, having given up the provider role; a joining party named as provider that
    is not marked one): the clause may still be needed. Located where the deal names the party
    in the role; a role given up with everything that named the party in it is not warned."""
    omitted = {c["at"] for c in changes if c["op"] == "delete_clause_not_used"}
    unmarked = _unmarked_roles(old.deal, deal)
    found = []
    for pc in old.plan.clauses + old.plan.schedules:
        if pc.slot not in omitted or not pc.clause_id:
            continue
        condition = ws.bank.clause(pc.clause_id).condition or ""
        if "deal.parties[].roles" not in template_reads(ws.env, ["{{ " + condition + " }}"]):
            continue
        where = "" if pc.number.startswith("Schedule") else "clause "
        for role in unmarked:
            found.append(
                Diagnostic(
                    "W-var-03",
                    f"the deed omits {where}{pc.number} ({pc.title}), which depends on the "
                    f"parties' roles, because {role.reason}; but the deal still names "
                    f"{role.name} as {role.role} in {', '.join(role.entries)}: check whether it "
                    "is still needed",
                    hint=f"give {role.name} the role {role.role} if it still acts as one, or "
                    f"change {role.paths[0]}",
                    severity="warning",
                    **deal.where(role.paths[0]),
                )
            )
    return found


@dataclass(frozen=True)
class UnmarkedRole:
    """A party the deal names in a role (``provider: la``) that its roles do not give."""

    name: str
    role: str
    reason: str  # "[Council] is no longer a provider"
    paths: list[str]  # where the deal names it in the role
    entries: list[str]  # the same, with each entry's id: "service_contracts[4].provider (sla)"


def _unmarked_roles(old_deal: Deal, deal: Deal) -> list[UnmarkedRole]:
    """Each party of the varied deal that the deal names in a role (under a key that is the
    role's name, singular or plural) its roles do not give."""
    before = {p["id"]: p for p in old_deal.data["parties"]}
    roles = {r for d in (old_deal, deal) for p in d.data["parties"] for r in p.get("roles", [])}
    values = dict(_leaves(deal.data))
    found = []
    for party in deal.data["parties"]:
        name, had = str(party["name"]), before.get(party["id"], {}).get("roles", [])
        for role in sorted(roles - set(party.get("roles", []))):
            paths = [
                p for p, v in values.items() if v == party["id"] and _key(p) in (role, role + "s")
            ]
            if paths:
                reason = (
                    f"{name} is no longer a {role}"
                    if role in had
                    else f"{name} is not marked as a {role}"
                )
                entries = [_with_id(values, p) for p in paths]
                found.append(UnmarkedRole(name, role, reason, paths, entries))
    return found


def _with_id(values: dict[str, str], path: str) -> str:
    """A deal path with the id of the entry it lies in: ``service_contracts[4].provider
    (sla_la_la)``."""
    entry = values.get(path.rpartition(".")[0] + ".id")
    return f"{path} ({entry})" if entry else path


def _key(path: str) -> str:
    """The key a deal path ends in, without an index (``providers`` of ``roles.providers[0]``)."""
    return re.sub(r"\[\d+\]$", "", path).rpartition(".")[2]
