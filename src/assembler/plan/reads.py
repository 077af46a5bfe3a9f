"""Which deal values a clause reads, from its template: what the Plan records, so a deed of
variation traces a changed value to every clause it reaches without rendering anything.

Read from the template's syntax tree, not from a render: a clause reads a value whether or not
this deal takes the branch that prints it, and a variation may make it take that branch. A path
is a deal sheet's dotted path with ``[]`` for any item of a list (``deal.parties[].name``); the
names the sandbox gives clauses besides ``deal`` (``parties``, ``party('x')``, ``body_named``)
read the deal too, and are traced to the paths they read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from jinja2 import Environment, nodes
from jinja2.exceptions import TemplateSyntaxError

#: The names a clause sees that stand for a part of the deal sheet (template/sandbox.py).
ROOTS = {
    "deal": "deal",
    "parties": "deal.parties",
    "commissioners": "deal.parties",
    "providers": "deal.parties",
}
#: ... and what choosing that part reads (``commissioners``: the parties with that role).
ROOT_READS = {name: ("deal.parties[].roles",) for name in ("commissioners", "providers")}
#: The sandbox's functions that return an item of the deal, or a value read from one: what each
#: returns, and the keys it reads to find it.
BODIES = "deal.governance.bodies[]"
CALLS: dict[str, tuple[str, tuple[str, ...]]] = {
    "party": ("deal.parties[]", ("deal.parties[].id",)),
    "body": (BODIES, (f"{BODIES}.id",)),
    "body_named": (f"{BODIES}.name", (f"{BODIES}.role",)),
    "officer_named": (f"{BODIES}.name", (f"{BODIES}.role", f"{BODIES}.membership")),
}
#: Keys the planner adds to each party, and the key each is worked out from.
DERIVED = {"is_commissioner": "roles", "is_provider": "roles", "legal_description": "kind"}
#: Filters that pick one item of a list.
ITEM_FILTERS = frozenset({"first", "last", "random"})
#: Filters that read a key of each item: named by their first argument, or by ``attribute=``.
BY_ARGUMENT = frozenset({"selectattr", "rejectattr"})
BY_ATTRIBUTE = frozenset({"map", "sort", "sum", "groupby", "unique", "min", "max"})
#: The house filters that read a key of each item (template/sandbox.py).
HOUSE_FILTERS = {"names": "name"}
#: A mapping's methods that read one key (the first argument) or every key.
KEY_METHODS = frozenset({"get"})
ALL_METHODS = frozenset({"items", "values", "keys"})
INDEX = re.compile(r"\[\d+\]")


def template_reads(env: Environment, sources: Iterable[str]) -> tuple[str, ...]:
    """The deal paths the templates SOURCES read, sorted; only the longest of a chain (reading
    ``deal.term.years`` reads ``deal.term``). A template that does not parse reads nothing here:
    rendering reports it, located."""
    found: set[str] = set()
    for source in sources:
        found.update(_reads(env, source))
    return tuple(
        sorted(p for p in found if not any(q.startswith((p + ".", p + "[")) for q in found))
    )


@lru_cache(maxsize=4096)
def _reads(env: Environment, source: str) -> frozenset[str]:
    """One template's reads (kept: every build of a batch plans the same clause versions)."""
    try:
        tree = env.parse(source)
    except TemplateSyntaxError:
        return frozenset()
    found: set[str] = set()
    _Reader(found).visit(tree)
    return frozenset(found)


def pattern(path: str) -> str:
    """A concrete deal path as a read names it: ``parties[2].name`` is ``parties[].name``."""
    return INDEX.sub("[]", path)


def reaches(read: str, changed: str) -> bool:
    """Whether a clause that reads READ reads the value at CHANGED (a concrete path, with or
    without ``deal.``): the value itself, a value inside it, or the entry it lies in."""
    read, changed = read.removeprefix("deal."), pattern(changed.removeprefix("deal."))
    return (
        read == changed
        or changed.startswith((read + ".", read + "["))
        or (read.startswith((changed + ".", changed + "[")))
    )


class _Reader:
    """Walks a template in order, following names bound to parts of the deal (``{% for p in
    parties %}``, ``{% set t = deal.term %}``) to the paths they stand for."""

    def __init__(self, found: set[str]) -> None:
        self.found = found
        self.bound: dict[str, str | None] = {}

    def visit(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.For):
            self.visit(node.iter)
            self._bind(node.target, self.path(node.iter), item=True)
            for child in (*node.body, *node.else_, *([node.test] if node.test else [])):
                self.visit(child)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node)
            self._bind(node.target, self.path(node.node))
            return
        if isinstance(node, nodes.With):
            for target, value in zip(node.targets, node.values, strict=False):
                self.visit(value)
                self._bind(target, self.path(value))
            for child in node.body:
                self.visit(child)
            return
        path = self.path(node)
        if path is not None:
            self.found.add(path)
        for child in node.iter_child_nodes():
            if (
                isinstance(node, nodes.Call)
                and child is node.node
                and isinstance(child, nodes.Getattr)
            ):
                child = child.node  # a method (x.get, x.startswith) is not a key of x
            self.visit(child)

    def path(self, node: nodes.Node | None) -> str | None:
        """The deal path NODE stands for, if any."""
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if node.name in self.bound:
                return self.bound[node.name]
            self.found.update(ROOT_READS.get(node.name, ()))
            return ROOTS.get(node.name)
        if isinstance(node, nodes.Getattr):
            return self._key(self.path(node.node), node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.path(node.node)
            key = node.arg.value if isinstance(node.arg, nodes.Const) else None
            return self._key(base, key) if isinstance(key, str) else base and base + "[]"
        if isinstance(node, nodes.Filter):
            return self._filtered(node)
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
            returned, keys = CALLS.get(node.node.name, (None, ()))
            self.found.update(keys)
            return returned
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
            return self._method(node, node.node)
        return None

    def _filtered(self, node: nodes.Filter) -> str | None:
        """A filtered value's path; a filter that reads a key of each item records it."""
        base = self.path(node.node)
        if base is None:
            return None
        key = HOUSE_FILTERS.get(node.name)
        if node.name in BY_ARGUMENT and node.args and isinstance(node.args[0], nodes.Const):
            key = str(node.args[0].value)
        if node.name in BY_ATTRIBUTE:
            given = [k.value for k in node.kwargs if k.key == "attribute"]
            key = str(given[0].value) if given and isinstance(given[0], nodes.Const) else None
        if key is not None:
            self.found.add(str(self._key(base + "[]", key)))
        return base + "[]" if node.name in ITEM_FILTERS else base

    def _method(self, call: nodes.Call, method: nodes.Getattr) -> str | None:
        """``m.get('key')`` reads m.key; ``m.items()`` reads all of m."""
        base = self.path(method.node)
        if method.attr in ALL_METHODS:
            return base
        first = call.args[0] if call.args else None
        if method.attr in KEY_METHODS and isinstance(first, nodes.Const):
            return self._key(base, str(first.value))
        return None

    @staticmethod
    def _key(base: str | None, key: str) -> str | None:
        if base is None:
            return None
        if base.endswith("parties[]"):
            key = DERIVED.get(key, key)
        return f"{base}.{key}"

    def _bind(self, target: nodes.Node, path: str | None, *, item: bool = False) -> None:
        """Bind a name to the path it now stands for (None: a value of the template's own,
        which hides a name the sandbox gives)."""
        if isinstance(target, nodes.Name):
            self.bound[target.name] = path and (path + "[]" if item else path)
