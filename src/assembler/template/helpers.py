"""The names a clause can use: the deal as values that know their path, the filters (money,
dates, lists joined as a lawyer writes them) and the functions (cross-references, labels, blanks,
footnotes, the parties and bodies by id)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from assembler.core.schema import is_placeholder
from assembler.template.markers import Missing, marker, record_blank


class MapNode(dict[str, Any]):
    """A deal-sheet mapping that knows its path, so a missing key is reported as ``deal.a.b``."""

    def __init__(self, data: dict[str, Any], path: str):
        super().__init__({k: wrap(v, f"{path}.{k}") for k, v in data.items()})
        self.path = path


class SeqNode(list[Any]):
    def __init__(self, data: Iterable[Any], path: str):
        super().__init__(wrap(v, f"{path}[{i}]") for i, v in enumerate(data))
        self.path = path


def wrap(value: Any, path: str) -> Any:
    if isinstance(value, MapNode | SeqNode):
        return value
    if isinstance(value, dict):
        return MapNode(value, path)
    if isinstance(value, list):
        return SeqNode(value, path)
    return value


def longdate(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def money(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"£{value:,.2f}".replace(".00", "") if isinstance(value, float) else f"£{value:,}"
    return str(value)


def percent(value: Any) -> str:
    """A computed percentage as a lawyer writes it: 25, 12.5, 33.33 (never 25.0)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{round(value, 2):g}"
    return str(value)


def years(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value} year" if value == 1 else f"{value} years"
    return str(value)


def _join(values: Any, word: str) -> Markup:
    items = [escape(v) for v in values]
    if len(items) <= 1:
        return Markup("").join(items)
    return Markup(", ").join(items[:-1]) + Markup(f" {word} ") + items[-1]


def total(values: Any) -> Any:
    """The sum of amounts the deal gives (a year's contributions, a partner's over the years), so
    a clause never types a total; while any amount is a [placeholder], the total is one too."""
    amounts = list(values)
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in amounts):
        return sum(amounts)
    return "[total]"


def join_and(values: Any) -> Markup:
    return _join(values, "and")


def join_or(values: Any) -> Markup:
    return _join(values, "or")


def names(parties: Any) -> list[Any]:
    return [p["name"] for p in parties]


class Vocabulary:
    """Wording for deal-sheet codes; an unknown code prints as a missing value."""

    def __init__(self, words: dict[str, str]):
        self.words = words

    def phrase(self, code: Any) -> Any:
        if is_placeholder(code) or not isinstance(code, str):
            return code
        if code in self.words:
            return self.words[code]
        return Missing(name=f"vocabulary.{code}")

    def phrases(self, codes: Any) -> list[Any]:
        return [self.phrase(c) for c in codes]


@pass_context
def ref(ctx: Context, target: str) -> Markup:
    """A cross-reference to a clause (``'scope'``) or a labelled paragraph (``'scope.cohort'``)."""
    return marker("R", str(ctx.get("clause_id", "?")), str(target))


@pass_context
def refs(ctx: Context, targets: Iterable[Any], conjunction: str = "and") -> Markup:
    """Cross-references to several clauses as one phrase, as a lawyer writes it: "clauses 9, 15
    and 24" (``conjunction="or"``: "clause 5 or 15"; one target: "clause 9", as ``ref``). Each
    number is its own live field. Meant for clauses and their paragraphs; a schedule in the list
    keeps its own words."""
    if conjunction not in ("and", "or"):
        raise ValueError("refs() joins with 'and' or 'or'")
    source = str(ctx.get("clause_id", "?"))
    names = [str(t) for t in targets]
    if len(names) < 2:
        if not names:
            raise ValueError("refs() needs at least one clause")
        return marker("R", source, names[0])
    bare = [marker("B", source, name) for name in names]
    last = Markup(f" {conjunction} ") + bare[-1]
    # one of several applies: "clause 5 or 15"; all of them: "clauses 9, 15 and 24"
    word = Markup("clause " if conjunction == "or" else "clauses ")
    return word + Markup(", ").join(bare[:-1]) + last


@pass_context
def in_document(ctx: Context, clause_ids: Iterable[Any]) -> list[Any]:
    """The clause ids of the list that are in this document (``money|in_document``)."""
    included = ctx.get("included")
    return [c for c in clause_ids if included is not None and included(c)]


@pass_context
def label(ctx: Context, name: str) -> Markup:
    """Make the current paragraph the target ``<clause id>.<name>`` of cross-references."""
    return marker("L", f"{ctx.get('clause_id', '?')}.{name}")


def placeholder(text: str) -> Markup:
    """A blank in the clause text itself. Recorded, because a final build of a complete deal
    sheet should leave none: every value a lawyer must supply belongs in the deal sheet."""
    record_blank(str(text))
    return Markup("[") + escape(text) + Markup("]")


def footnote(text: str) -> Markup:
    """A footnote's (rendered) text as the marker the renderer turns into a numbered note: what
    an imported fragment's footnote reference becomes (``{% filter footnote %}``)."""
    return marker("F", str(text))


def deal_names(
    data: dict[str, Any], parties: list[dict[str, Any]], document: dict[str, Any]
) -> dict[str, Any]:
    """The names every clause sees: ``deal``, ``parties``, ``party()``, ``body()``, ``document``."""
    deal = MapNode(data, "deal")
    party_nodes = SeqNode(parties, "deal.parties")
    by_id = {p["id"]: p for p in party_nodes}
    bodies = {b["id"]: b for b in deal.get("governance", {}).get("bodies", [])}

    def party(party_id: str) -> Any:
        return by_id.get(party_id) or Missing(name=f"party('{party_id}')")

    def body(body_id: str) -> Any:
        return bodies.get(body_id) or by_id.get(body_id) or Missing(name=f"body('{body_id}')")

    def body_named(role: str) -> Any:
        """The name the deal gives its body with this role (``body_named('strategic')``): a clause
        never writes a body's name itself, so a board the deal renames is renamed everywhere."""
        for b in bodies.values():
            if b.get("role") == role:
                return b["name"]
        return Missing(name=f"deal.governance.bodies[role={role}].name")

    def officer_named() -> Any:
        """The title the deal gives its officer: the governance body that has no membership (a
        post, not a board), such as the Alliance Programme Manager."""
        for b in bodies.values():
            if "membership" not in b and "role" not in b:
                return b["name"]
        return Missing(name="deal.governance.bodies[officer].name")

    return {
        "deal": deal,
        "parties": party_nodes,
        "party": party,
        "body": body,
        "body_named": body_named,
        "officer_named": officer_named,
        "commissioners": SeqNode([p for p in party_nodes if p["is_commissioner"]], "commissioners"),
        "providers": SeqNode([p for p in party_nodes if p["is_provider"]], "providers"),
        "document": MapNode(document, "document"),
    }
