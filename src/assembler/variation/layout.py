"""The agreement as varied laid out in the signed places, so no signed number moves: a clause the
deal no longer has stays "Not used", a new one follows the last; within a clause, an omitted
provision keeps its number and an inserted one takes the number before it and a letter (9.4A)."""

from __future__ import annotations

import difflib
from dataclasses import replace

from assembler.plan.planner import NOT_USED, Place, Plan
from assembler.variation.sections import Paragraph, Section, mostly, provision_groups, restructured


def varied_layout(original: Plan, new: Plan) -> list[Place]:
    """The new deal's places in the original's order: gone ones stay as "Not used", new ones
    follow the last clause (or schedule), so no signed number moves."""
    present = {pc.slot for pc in new.clauses + new.schedules if pc.clause_id}
    places = []
    for part, planned in (("clauses", original.clauses), ("schedules", original.schedules)):
        known = {pc.slot for pc in planned}
        for pc in planned:
            if pc.kind == "definitions":
                continue  # always first, numbered 1, made by the engine
            places.append(Place(pc.slot, part, pc.slot not in present))
        added = getattr(new, part)
        places += [Place(pc.slot, part) for pc in added if pc.slot not in known and pc.clause_id]
    return places


def held_provisions(
    layout: list[Place], old: dict[str, Section], new: dict[str, Section]
) -> list[Place]:
    """LAYOUT with each clause's provisions labelled as a deed leaves them: a provision the new
    text no longer has keeps its number, "Not used"; a new one takes the number of the one
    before it and a letter (9.4A, 9.4B); every other keeps its signed number."""
    held = []
    for place in layout:
        before, after = old.get(place.slot), new.get(place.slot)
        labels = None
        if (
            place.part == "clauses"
            and before
            and after
            and NOT_USED not in (before.kind, after.kind)
        ):
            labels = _labels(before, after) if before.kind != "definitions" else None
        held.append(replace(place, provisions=labels[0], omitted=labels[1]) if labels else place)
    return held


def _labels(before: Section, after: Section) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    intro_a, old = provision_groups(before)
    intro_b, new = provision_groups(after)
    if not old or not new or bool(intro_a) != bool(intro_b):
        return None
    labels: list[str] = []
    omitted: list[str] = []
    aligned = _aligned([_key(g) for _, g in old], [_key(g) for _, g in new])
    changed = [
        (i, j) for i, j in aligned if i is None or j is None or restructured(old[i][1], new[j][1])
    ]
    if mostly(len(changed), len(old)):
        return None  # the clause is substituted whole, and numbered afresh
    for i, j in aligned:
        if i is not None:
            labels.append(old[i][0])
            if j is None:
                omitted.append(old[i][0])
        elif not labels:
            return None  # a provision before the first: the clause is substituted whole
        else:
            labels.append(_next_label(labels[-1]))
    if len(set(labels)) != len(labels):
        return None
    if not omitted and labels == [str(n) for n in range(1, len(labels) + 1)]:
        return None
    return tuple(labels), tuple(omitted)


def _next_label(label: str) -> str:
    """The number a provision inserted after LABEL takes: 4 -> 4A, 4A -> 4B."""
    if label[-1].isalpha():
        return label[:-1] + chr(ord(label[-1]) + 1)
    return label + "A"


def _key(group: list[Paragraph]) -> str:
    return " ".join(text for _, _, text in group)


#: How alike two provisions' texts must be to count as one provision reworded.
SAME_PROVISION = 0.5


def _aligned(old: list[str], new: list[str]) -> list[tuple[int | None, int | None]]:
    """Old and new provisions in order, paired where one is the other reworded (the pairing of
    greatest likeness, in order); between two pairs, the leftovers pair up in order as
    rewordings, and what remains is omitted (old only) or inserted (new only)."""
    n, m = len(old), len(new)
    like = [[_likeness(a, b) for b in new] for a in old]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1])
            if like[i][j] >= SAME_PROVISION:
                best[i][j] = max(best[i][j], like[i][j] + best[i + 1][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if like[i][j] >= SAME_PROVISION and best[i][j] == like[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    out: list[tuple[int | None, int | None]] = []
    i = j = 0
    for a, b in [*pairs, (n, m)]:
        gap_old, gap_new = list(range(i, a)), list(range(j, b))
        common = min(len(gap_old), len(gap_new))
        out += zip(gap_old[:common], gap_new[:common], strict=True)
        out += ((x, None) for x in gap_old[common:])
        out += ((None, y) for y in gap_new[common:])
        if a < n:
            out.append((a, b))
        i, j = a + 1, b + 1
    return out


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a.split(), b=b.split(), autojunk=False).ratio()
