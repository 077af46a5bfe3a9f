"""The sandboxed Jinja environment clause text renders in, and the names a clause can use.

Policy, in one place:

- :class:`ClauseEnvironment` is an ``ImmutableSandboxedEnvironment``: no private attributes, no
  unsafe calls, ranges bounded, and nothing the engine hands a clause can be changed
  (``parties.clear()``, ``reverse()``): every such value is a :class:`MapNode` or :class:`SeqNode`.
  Only a list or mapping the template itself made (``{% set seen = [] %}``) is scratch it may fill.
- A template produces text only. Autoescape is on and cannot be turned off: ``|safe``, the
  ``autoescape`` tag and the filters that make markup are refused when the template is compiled
  (E-tmpl-08), so a value can never become WordprocessingML. Structure (fields, bookmarks, blanks)
  comes only from the engine's helpers, as markers the render checks it issued itself.
- Sizes are bounded before they are allocated (counts and widths of filters and string methods,
  ``*``, ``%`` and ``format`` specs) and all of compiling, rendering and conditions run under
  :func:`budget` (time and address space), because Jinja folds constants while compiling.
- A missing value never renders silently. :class:`Missing` records the full deal path
  (``deal.term.review_points``); a draft build prints a highlighted marker, a final build refuses.
- Cross-references, labels and missing values render as private-use marker characters that the
  renderer replaces with fields, bookmarks and highlighted runs once every number is known.

The bounds are in :mod:`~assembler.template.limits`, what a render records in
:mod:`~assembler.template.markers`, the names a clause can use in
:mod:`~assembler.template.helpers`; this module puts them together, and is the one import for
code that runs the bank's Jinja (its ``__all__``).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import Template, nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

from assembler.core import cache
from assembler.template.helpers import (
    MapNode,
    SeqNode,
    Vocabulary,
    deal_names,
    footnote,
    in_document,
    join_and,
    join_or,
    label,
    longdate,
    money,
    names,
    percent,
    placeholder,
    ref,
    refs,
    total,
    wrap,
    years,
)
from assembler.template.limits import (
    EVALUATION_ERRORS,
    MAX_EXPONENT,
    MAX_MEMORY,
    MAX_REPEAT,
    MAX_SECONDS,
    MAX_SIZE,
    MAX_TEXT,
    BudgetExceeded,
    bounded,
    budget,
    check_percent,
    check_replace,
    check_sizes,
    weight,
)
from assembler.template.markers import (
    END,
    MARK,
    MARKER_CHARS,
    MARKERS_ANY,
    SEP,
    Missing,
    Recorder,
    check_markers,
    in_clause,
    mark_used,
    marker,
)

#: Every name this module held before its parts moved out, so an import of one keeps working.
__all__ = [
    "END",
    "EVALUATION_ERRORS",
    "FORBIDDEN_NODES",
    "MARK",
    "MARKERS_ANY",
    "MARKER_CHARS",
    "MARKUP_FILTERS",
    "MAX_EXPONENT",
    "MAX_MEMORY",
    "MAX_REPEAT",
    "MAX_SECONDS",
    "MAX_SIZE",
    "MAX_TEXT",
    "RECENT_TEMPLATES",
    "SEP",
    "BudgetExceeded",
    "ClauseEnvironment",
    "Forbidden",
    "MapNode",
    "Missing",
    "Recorder",
    "SeqNode",
    "Vocabulary",
    "bounded",
    "budget",
    "check_markers",
    "deal_names",
    "footnote",
    "in_clause",
    "in_document",
    "join_and",
    "join_or",
    "label",
    "longdate",
    "make_environment",
    "mark_used",
    "marker",
    "money",
    "names",
    "percent",
    "placeholder",
    "ref",
    "refs",
    "total",
    "wrap",
    "years",
]

#: How many compiled templates a sandbox keeps at once: the case A agreement renders 73 (clauses,
#: definitions, execution lines), so a batch of such documents finds every one kept.
RECENT_TEMPLATES = 128

#: Filters that make markup from text, refused when a template is compiled; ``format`` is
#: bounded by its specifications instead of its arguments.
MARKUP_FILTERS = frozenset({"safe", "urlize", "xmlattr", "tojson"})
#: Tags that would reach other templates or turn escaping off.
FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.EvalContextModifier: "the autoescape tag",
    nodes.Extends: "extends",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
}


def _forbidden(node: nodes.Node) -> str | None:
    """What a clause may not use in this template node, if anything."""
    if isinstance(node, nodes.Filter):
        return f"the |{node.name} filter" if node.name in MARKUP_FILTERS else None
    if isinstance(node, nodes.Const):
        marked = isinstance(node.value, str) and MARKER_CHARS.search(node.value)
        return "the engine's private marker characters" if marked else None
    return next(v for k, v in FORBIDDEN_NODES.items() if isinstance(node, k))


class Forbidden(TemplateSyntaxError):
    """A template uses something a clause may not (``|safe``, ``{% autoescape %}``...)."""


class ClauseEnvironment(ImmutableSandboxedEnvironment):
    """Immutable sandbox, always autoescaping, bounded, and strict about deal-sheet paths."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Immutable for the engine's values; a template's own ``[]`` or ``{}`` is its scratch."""
        if type(obj) in (list, dict, set):
            return SandboxedEnvironment.is_safe_attribute(self, obj, attr, value)
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is larger than {MAX_EXPONENT}")
        if operator == "%" and isinstance(left, str):
            check_percent(left)
        if operator == "*":
            sized = [v for v in (left, right) if isinstance(v, str | list | tuple)]
            counts = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
            if (
                sized
                and counts
                and (
                    len(sized[0]) * counts[0] > MAX_REPEAT
                    or weight(sized[0]) * counts[0] > MAX_TEXT
                )
            ):
                raise SecurityError(f"repeating a value would make more than {MAX_REPEAT:,} items")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Methods of strings and lists, with the same bounds as the filters."""
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str | list | tuple):
            name = getattr(__obj, "__name__", "method")
            check_sizes(f".{name}()", (*args, *kwargs.values()))
            if name == "replace":
                check_replace(owner, *args[:2])
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` with bounded widths and no nested fields in a specification."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            for _, _, spec, _ in string.Formatter().parse(value.__self__):
                if spec and (
                    "{" in spec or any(int(n) > MAX_SIZE for n in re.findall(r"\d+", spec))
                ):
                    raise SecurityError(f"the format specification {spec!r} is not allowed")
        return wrapped

    def __init__(self) -> None:
        super().__init__(
            autoescape=True, undefined=Missing, finalize=_finalize, keep_trailing_newline=False
        )
        for name in MARKUP_FILTERS:
            del self.filters[name]
        self.filters.update({name: bounded(name, f) for name, f in self.filters.items()})
        #: The most recent templates, by source, for batch builds that render the same clauses
        #: again. Bounded: a 1000-clause document kept 8 MB of templates it would never reuse,
        #: and the user cache below makes a template that fell out cheap to make again.
        self.template = lru_cache(maxsize=RECENT_TEMPLATES)(self._template)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse, refusing what a clause may not use before any code is generated."""
        tree = super()._parse(source, name, filename)
        searched: tuple[type[nodes.Node], ...] = (nodes.Filter, nodes.Const, *FORBIDDEN_NODES)
        for node in tree.find_all(searched):
            what = _forbidden(node)
            if what is None:
                continue
            raise Forbidden(
                f"{what} is not allowed: a clause produces text only", node.lineno, name, filename
            )
        return tree

    def _template(self, source: str) -> Template:
        """``from_string``, with the compiled code kept in the user's cache between runs."""
        flavour = f"{type(self).__name__} jinja {jinja2.__version__} text-only 1"
        code = cache.compiled_code(source, flavour, self.compile)
        return self.template_class.from_code(self, code, self.make_globals(None))

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        """Refuse at once: an unsafe access is an attack or a bug, never a blank to fill later."""
        raise SecurityError(
            f"access to attribute {attribute!r} of a {type(obj).__name__!r} object is unsafe"
        )

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, MapNode):
            if attribute not in obj:
                return self.undefined(name=f"{obj.path}.{attribute}")
            mark_used(f"{obj.path}.{attribute}")
            return obj[attribute]
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, MapNode) and isinstance(argument, str):
            return self.getattr(obj, argument)
        if isinstance(obj, SeqNode) and isinstance(argument, int):
            if -len(obj) <= argument < len(obj):
                return obj[argument]
            return self.undefined(name=f"{obj.path}[{argument}]")
        return super().getitem(obj, argument)


def _finalize(value: Any) -> Any:
    if isinstance(value, dt.date):
        return longdate(value)
    if value is None:
        return Missing(name="a value that is empty in the deal sheet")
    return value


def make_environment(vocabulary: dict[str, str]) -> ClauseEnvironment:
    env = ClauseEnvironment()
    words = Vocabulary(vocabulary)
    env.filters.update(
        money=money,
        percent=percent,
        total=total,
        longdate=longdate,
        years=years,
        join_and=join_and,
        join_or=join_or,
        names=names,
        phrases=words.phrases,
        phrase=words.phrase,
        in_document=in_document,
        footnote=footnote,
    )
    env.globals.update(
        ref=ref, refs=refs, label=label, placeholder=placeholder, phrase=words.phrase
    )
    return env
