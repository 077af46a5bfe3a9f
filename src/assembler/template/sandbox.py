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
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import os
import re
import signal
import string
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import ChainableUndefined, Template, nodes, pass_context
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment
from markupsafe import Markup, escape

from assembler.core import cache
from assembler.core.schema import is_placeholder

#: How many compiled templates a sandbox keeps at once: the case A agreement renders 73 (clauses,
#: definitions, execution lines), so a batch of such documents finds every one kept.
RECENT_TEMPLATES = 128

MARK, SEP, END = "\ue000", "\ue001", "\ue002"
MARKERS_ANY = re.compile(f"{MARK}[^{END}]*{END}")
#: Any of the engine's marker characters: in a deal value or a template's own text they would
#: forge a field or a "[MISSING]" blank.
MARKER_CHARS = re.compile(f"[{MARK}{SEP}{END}]")

#: Missing paths recorded during the current render: (clause id, dotted path).
_missing: contextvars.ContextVar[list[tuple[str, str]]] = contextvars.ContextVar("missing")
#: (clause id, text) of each blank a clause's own text leaves: a value the deal sheet cannot give
_blanks: contextvars.ContextVar[list[tuple[str, str]]] = contextvars.ContextVar("blanks")
#: Deal-sheet paths a clause read during the current render (to warn about values nothing used).
_accessed: contextvars.ContextVar[set[str]] = contextvars.ContextVar("accessed")
_clause: contextvars.ContextVar[str] = contextvars.ContextVar("clause", default="?")
#: Markers the engine's helpers made during the current render: only these may reach the output.
_issued: contextvars.ContextVar[set[str]] = contextvars.ContextVar("issued")


def marker(kind: str, *fields: str) -> Markup:
    """A marker the renderer turns into structure; refused if a field could forge another."""
    if any(MARKER_CHARS.search(f) for f in fields):
        raise SecurityError("a value holds the engine's private marker characters")
    made = MARK + kind + SEP + SEP.join(fields) + END
    with contextlib.suppress(LookupError):
        _issued.get().add(made)
    return Markup(made)


def check_markers(text: str) -> None:
    """Refuse output holding a marker no helper issued (one a template built from characters)."""
    issued = _issued.get(None)
    if issued is None or MARK not in text and not MARKER_CHARS.search(text):
        return
    rest = MARKERS_ANY.sub(lambda m: "" if m.group(0) in issued else SEP, text)
    if MARKER_CHARS.search(rest):
        raise SecurityError("the text holds the engine's private marker characters")


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


class Missing(ChainableUndefined):
    """An undefined value that remembers its full path and records itself when printed."""

    __slots__ = ()

    def _record(self) -> Markup:
        path = self._undefined_name or "value"
        with contextlib.suppress(LookupError):
            _missing.get().append((_clause.get(), path))
        return marker("M", path)

    def __str__(self) -> str:
        return str(self._record())

    def __html__(self) -> str:
        return str(self._record())

    def __iter__(self) -> Iterator[Any]:
        self._record()
        return iter(())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        # no name: the first item of an empty list ("bodies|selectattr(...)|first")
        return Missing(name=f"{self._undefined_name or '(no such item)'}.{name}")

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str) and key.startswith("__"):
            raise KeyError(key)
        return self.__getattr__(str(key))


#: The largest string or list ``*`` may build, and the largest exponent ``**`` may take: without
#: these, ``{{ 'x' * 10**10 }}`` exhausts memory in one step that no timer can interrupt.
MAX_REPEAT = 100_000
MAX_EXPONENT = 100
#: The largest count or width a filter or string method may take (``center``, ``indent``,
#: ``batch``, ``slice``, ``ljust``...), and the largest text one step may build.
MAX_SIZE = 100_000
MAX_TEXT = 2_000_000
#: The budget for compiling, rendering or evaluating one clause or condition.
MAX_SECONDS = 5
MAX_MEMORY = 1 << 30

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
_WIDTH = re.compile(r"%[#0 +\-]*(\*|\d+)?(?:\.(\*|\d*))?")


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


class BudgetExceeded(Exception):
    """Compiling, rendering or evaluating took longer than its time budget."""


#: What evaluating the bank's Jinja (a clause's condition, say) raises on a fault in the bank:
#: Jinja's own errors and the sandbox's, the operators' (``"a" < 1``, ``1 / 0``, a missing key),
#: and the budget's. Anything else is a fault in the engine, and is not reported as the bank's.
EVALUATION_ERRORS: tuple[type[BaseException], ...] = (
    TemplateError,
    TypeError,
    ValueError,
    ArithmeticError,
    AttributeError,
    LookupError,
    BudgetExceeded,
    MemoryError,
    RecursionError,
)


@contextlib.contextmanager
def budget(seconds: float = MAX_SECONDS, memory: int = MAX_MEMORY) -> Iterator[None]:
    """Interrupt the block after ``seconds`` and fail its allocations beyond ``memory`` more bytes
    of address space (MemoryError). Unix main thread only; elsewhere it is not bounded. Jinja's
    sandbox bounds ``range()`` but not nested loops, and folds constants while compiling."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise BudgetExceeded(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with _address_space(memory):
            yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _address_space(extra: int) -> Iterator[None]:
    """Lower the soft address-space limit to what the process uses now plus ``extra``."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        yield
        return
    limit = used + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _too_big(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE


def _check_sizes(what: str, values: Iterable[Any]) -> None:
    for value in values:
        if _too_big(value):
            raise SecurityError(f"{what}: {value:,} is larger than {MAX_SIZE:,}")


def _check_percent(spec: str) -> None:
    """Refuse ``'%0999999999d'``-style widths and ``*`` widths in a %-format."""
    for match in _WIDTH.finditer(spec):
        for width in match.groups():
            if width == "*" or (width and int(width) > MAX_SIZE):
                raise SecurityError(f"a format width of {width} is not allowed")


def _check_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        count = text.count(old) if old else len(text) + 1
        if count * len(new) > MAX_TEXT:
            raise SecurityError(f"replacing would make more than {MAX_TEXT:,} characters")


def _weight(value: Any) -> int:
    """How many characters (or items) a value stands for, one level deep."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple):
        return sum(len(v) if isinstance(v, str) else 1 for v in value)
    return 1


def bounded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A built-in filter whose count and width arguments are bounded (not the value it filters)."""
    skip = 2 if getattr(func, "jinja_pass_arg", None) is not None else 1

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        if name == "format":
            _check_percent(str(args[skip - 1]))
        else:
            _check_sizes(f"|{name}", (*args[skip:], *kwargs.values()))
        if name == "replace":
            _check_replace(*args[skip - 1 : skip + 2])
        return func(*args, **kwargs)

    return run


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
            _check_percent(left)
        if operator == "*":
            sized = [v for v in (left, right) if isinstance(v, str | list | tuple)]
            counts = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
            if (
                sized
                and counts
                and (
                    len(sized[0]) * counts[0] > MAX_REPEAT
                    or _weight(sized[0]) * counts[0] > MAX_TEXT
                )
            ):
                raise SecurityError(f"repeating a value would make more than {MAX_REPEAT:,} items")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Methods of strings and lists, with the same bounds as the filters."""
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str | list | tuple):
            name = getattr(__obj, "__name__", "method")
            _check_sizes(f".{name}()", (*args, *kwargs.values()))
            if name == "replace":
                _check_replace(owner, *args[:2])
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


def longdate(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def money(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"£{value:,.2f}".replace(".00", "") if isinstance(value, float) else f"£{value:,}"
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
    blanks = _blanks.get(None)
    if blanks is not None:
        blanks.append((_clause.get(), str(text)))
    return Markup("[") + escape(text) + Markup("]")


def footnote(text: str) -> Markup:
    """A footnote's (rendered) text as the marker the renderer turns into a numbered note: what
    an imported fragment's footnote reference becomes (``{% filter footnote %}``)."""
    return marker("F", str(text))


def make_environment(vocabulary: dict[str, str]) -> ClauseEnvironment:
    env = ClauseEnvironment()
    words = Vocabulary(vocabulary)
    env.filters.update(
        money=money,
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

    return {
        "deal": deal,
        "parties": party_nodes,
        "party": party,
        "body": body,
        "commissioners": SeqNode([p for p in party_nodes if p["is_commissioner"]], "commissioners"),
        "providers": SeqNode([p for p in party_nodes if p["is_provider"]], "providers"),
        "document": MapNode(document, "document"),
    }


def mark_used(*paths: str) -> None:
    """Record that the document used these deal-sheet values."""
    with contextlib.suppress(LookupError):
        _accessed.get().update(paths)


class Recorder:
    """Collect what a render found missing and which deal values it read: ``with Recorder() as r``.

    ``issued`` carries on the markers an earlier stage's helpers made: a party's description is
    rendered while planning and may hold a blank's marker that a clause then prints."""

    def __init__(self, issued: frozenset[str] = frozenset()) -> None:
        self.issued: set[str] = set(issued)

    def __enter__(self) -> Recorder:
        self.missing: list[tuple[str, str]] = []
        self.accessed: set[str] = set()
        self.blanks: list[tuple[str, str]] = []
        self.tokens = (
            _missing.set(self.missing),
            _accessed.set(self.accessed),
            _blanks.set(self.blanks),
            _issued.set(self.issued),
        )
        return self

    def __exit__(self, *exc: object) -> None:
        _missing.reset(self.tokens[0])
        _accessed.reset(self.tokens[1])
        _blanks.reset(self.tokens[2])
        _issued.reset(self.tokens[3])


def in_clause(clause_id: str) -> contextvars.Token[str]:
    return _clause.set(clause_id)
