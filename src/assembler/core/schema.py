"""A small typed schema language for deal sheets, checking ruamel.yaml data with line numbers.

Every check reports through a :class:`Checker`, which keeps going after a failure so that a user sees
all of a file's mistakes at once. Positions come from ruamel's round-trip containers (``.lc``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

from assembler.core.errors import Diagnostic

#: A bracketed string such as ``"[CCG]"`` or ``"[to be agreed]"`` is a deliberate blank: any scalar
#: field accepts one, and the document prints it highlighted for the drafter to fill.
PLACEHOLDER = re.compile(r"^\[[^\[\]]+\]$")

Pos = tuple[int, int] | None


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and bool(PLACEHOLDER.match(value))


class InForce(Protocol):
    """What a check needs of the bank's law register (:class:`assembler.bank.law.LawRegister`)."""

    def not_in_force(self, entry_id: str, on: dt.date) -> str | None: ...


@dataclass
class Checker:
    """Collects diagnostics and positions while a schema walks the data."""

    file: str
    vocabulary: frozenset[str] = frozenset()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: ids declared in the deal (``party``, ``body``, ...), filled before references are checked
    ids: dict[str, dict[str, str]] = field(default_factory=dict)
    #: checks that need the whole deal, run after the walk: (kind, id, path, pos)
    pending_refs: list[tuple[str, str, str, Pos]] = field(default_factory=list)
    #: the bank's register of law by date, for the E-law rules (None: they check nothing)
    law: InForce | None = None
    #: values written as a lawyer writes them, read into canonical form: (path, written, read)
    readings: list[tuple[str, str, str]] = field(default_factory=list)
    #: drafting rules to run once the walk is done: (rule, the checked mapping, its path)
    pending_rules: list[tuple[Callable[..., None], dict[str, Any], str]] = field(
        default_factory=list
    )
    #: the paths of values that failed their schema (a rule reading one is not run)
    failed: set[str] = field(default_factory=set)

    def read_as(self, path: str, written: str, value: Any) -> Any:
        """Record that ``written`` was read as ``value`` (``-v`` and the lock say so)."""
        shown = value.isoformat() if isinstance(value, dt.date) else str(value).lower()
        self.readings.append((path, written, shown))
        return value

    def error(self, rule: str, path: str, pos: Pos, message: str, hint: str | None = None) -> None:
        self.failed.add(path)
        line, col = pos if pos else (None, None)
        self.diagnostics.append(
            Diagnostic(rule, f"{path}: {message}", self.file, line, col, hint, "error")
        )

    def warn(self, rule: str, path: str, pos: Pos, message: str, hint: str | None = None) -> None:
        line, col = pos if pos else (None, None)
        self.diagnostics.append(
            Diagnostic(rule, f"{path}: {message}", self.file, line, col, hint, "warning")
        )

    def at(self, path: str) -> Pos:
        return self.positions.get(path)


def _pos_of_value(container: Any, key: Any) -> Pos:
    """1-based (line, column) of ``container[key]`` in the YAML source, if ruamel recorded it."""
    lc = getattr(container, "lc", None)
    if lc is None:
        return None
    try:
        line, col = lc.value(key) if isinstance(key, str) else lc.item(key)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return (line + 1, col + 1)


def _pos_of_key(container: Any, key: str) -> Pos:
    lc = getattr(container, "lc", None)
    if lc is None:
        return None
    try:
        line, col = lc.key(key)
    except (KeyError, TypeError, AttributeError):
        return None
    return (line + 1, col + 1)


def suggest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def describe(value: object) -> str:
    """A value in a lawyer's words: "the number 120", "the text 'abc'", "a list"."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{'yes' if value else 'no'} (true or false)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return f"the text {str(value)!r}"


#: Amounts as a lawyer writes them: "£1,200,000", "£1.2m", "£250k", "£1.5 million", "1,000".
MONEY = re.compile(
    r"£?\s*(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<scale>k|m|bn|thousand|million|billion)?",
    re.IGNORECASE,
)
SCALES = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}
SCALES |= {"bn": 1_000_000_000, "billion": 1_000_000_000}
#: A percentage as written: "10%", "12.5 %", "10 per cent".
PERCENT = re.compile(
    r"(?P<number>\d+(?:\.\d+)?)\s*(?:%|per\s*cent|percent)(?P<scale>)", re.IGNORECASE
)
YES_NO = {"yes": True, "no": False, "true": True, "false": False}
MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
#: "1 April 2027", "1st April 2027", "1 Apr 2027".
LONG_DATE = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|"
    r"apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|"
    r"dec(?:ember)?),?\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
#: "01/04/2027", "1.4.27", "1-4-2027": a day and a month in an order a reader must guess.
NUMERIC_DATE = re.compile(r"(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<year>\d{2}|\d{4})")


def _number(found: re.Match[str]) -> int | float:
    """The amount a :data:`MONEY` or :data:`PERCENT` match spells, exactly (no float drift)."""
    amount = Decimal(found.group("number").replace(",", ""))
    amount *= SCALES.get((found.group("scale") or "").lower(), 1)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _iso_hint(found: re.Match[str]) -> str:
    """The ISO form (and the words) of the date an English reader means by day/month/year."""
    year = found.group("year")
    year = year if len(year) == 4 else f"20{year}"
    day, month = int(found.group("a")), int(found.group("b"))
    try:
        meant = dt.date(int(year), month, day)
    except ValueError:
        return "write the date as YYYY-MM-DD, or in words such as 1 April 2027"
    return f"write it {meant.isoformat()} (YYYY-MM-DD), or {meant.day} {meant:%B %Y}"


#: Characters XML 1.0 forbids (tab, line feed and carriage return aside), and lone surrogates.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Spec:
    """A type. ``check`` returns the plain-Python value, or ``None`` after reporting an error."""

    expects = "a value"

    def check(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        raise NotImplementedError

    def wrong(self, value: Any, ck: Checker, path: str, pos: Pos) -> None:
        ck.error("E-type-01", path, pos, f"expected {self.expects}, found {describe(value)}")


class Scalar(Spec):
    """Base for scalars: accepts a bracketed placeholder in place of any value."""

    def check(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, str) and (bad := NOT_IN_XML.search(value)):
            # YAML's escapes ("\u0000", "\a") can spell characters no Word document may hold
            ck.error(
                "E-type-03",
                path,
                pos,
                f"holds the control character U+{ord(bad.group()):04X}, which a Word document "
                "cannot contain",
                "remove it (it is usually pasted in by accident)",
            )
            return None
        if is_placeholder(value):
            return str(value)
        return self.check_value(value, ck, path, pos)

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        raise NotImplementedError


class Str(Scalar):
    expects = "text"

    def __init__(self, pattern: str | None = None, hint: str | None = None):
        self.pattern = re.compile(pattern) if pattern else None
        self.hint = hint

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if not isinstance(value, str) or isinstance(value, bool):
            return self.wrong(value, ck, path, pos)
        if not value.strip():
            ck.error("E-value-01", path, pos, "is empty", "give a value or a [placeholder]")
            return None
        if self.pattern and not self.pattern.fullmatch(value):
            ck.error("E-type-01", path, pos, f"{value!r} is not a valid value", self.hint)
            return None
        return str(value)


class Int(Scalar):
    expects = "a whole number"

    def __init__(self, minimum: int = 0):
        self.minimum = minimum

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return self.wrong(value, ck, path, pos)
        if value < self.minimum:
            ck.error("E-value-02", path, pos, f"{value} is less than {self.minimum}")
            return None
        return int(value)


class Number(Scalar):
    expects = "a number"

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return self.wrong(value, ck, path, pos)
        return value


class Anything(Spec):
    """A node the reader has no kind for (``allOf``, ``not`` ...): the jsonschema library checks
    it (see :mod:`assembler.deal.jsoncheck`); the reader passes it on as plain data."""

    def check(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class Money(Scalar):
    expects = "an amount of money in pounds (1200000, £1,200,000 or £1.2m)"

    written = MONEY

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, str) and (found := self.written.fullmatch(value.strip())):
            value = ck.read_as(path, value, _number(found))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.wrong(value, ck, path, pos)
        if value < 0:
            ck.error("E-value-02", path, pos, f"money cannot be negative ({value})")
            return None
        return int(value) if float(value).is_integer() else float(value)


class Percent(Money):
    expects = "a percentage (a number from 0 to 100, or 10%)"
    written = PERCENT

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        number = super().check_value(value, ck, path, pos)
        if number is not None and number > 100:
            ck.error("E-value-02", path, pos, f"a percentage cannot exceed 100 ({value})")
            return None
        return number


class Bool(Scalar):
    expects = "true or false (or yes or no)"

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, str) and value.strip().lower() in YES_NO:
            return ck.read_as(path, value, YES_NO[value.strip().lower()])
        return value if isinstance(value, bool) else self.wrong(value, ck, path, pos)


class Date(Scalar):
    expects = "a date written YYYY-MM-DD or 1 April 2027"

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and (found := LONG_DATE.fullmatch(value.strip())):
            day, month, year = found.group("day", "month", "year")
            try:
                read = dt.date(int(year), MONTHS[month.lower()[:3]], int(day))
            except ValueError as exc:
                ck.error("E-type-02", path, pos, f"{value!r} is not a real date ({exc})")
                return None
            return ck.read_as(path, value, read)
        if isinstance(value, str) and (found := NUMERIC_DATE.fullmatch(value.strip())):
            ck.error(
                "E-type-02",
                path,
                pos,
                f"{value!r} is ambiguous: day and month could be either way round",
                _iso_hint(found),
            )
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError as exc:
                ck.error("E-type-02", path, pos, f"{value!r} is not a real date ({exc})")
                return None
        return self.wrong(value, ck, path, pos)


class Enum(Scalar):
    def __init__(self, *values: str):
        self.values = values
        self.expects = "one of " + ", ".join(values)

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if value not in self.values:
            hint = suggest(value, self.values) or self.expects
            ck.error("E-enum-01", path, pos, f"{value!r} is not an allowed value", hint)
            return None
        return str(value)


class Code(Scalar):
    """A code whose plain-English wording lives in the bank's ``vocabulary.yaml``."""

    expects = "a code from the bank's vocabulary.yaml"

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if not isinstance(value, str):
            return self.wrong(value, ck, path, pos)
        if ck.vocabulary and value not in ck.vocabulary:
            hint = suggest(value, ck.vocabulary) or "add its wording to the bank's vocabulary.yaml"
            ck.error("E-code-01", path, pos, f"unknown code {value!r}", hint)
            return None
        return value


class Ref(Scalar):
    """A reference to an id declared elsewhere in the deal (a party, a governance body...)."""

    def __init__(self, *kinds: str):
        self.kinds = kinds
        self.expects = f"the id of a {' or '.join(kinds)}"

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if not isinstance(value, str):
            return self.wrong(value, ck, path, pos)
        for kind in self.kinds:
            ck.pending_refs.append((kind, value, path, pos))
        return value


class Id(Str):
    """Declares an id of ``kind`` (checked for duplicates, available to :class:`Ref`)."""

    def __init__(self, kind: str):
        super().__init__(r"[a-z][a-z0-9_]*", "ids are lower case letters, digits and _")
        self.kind = kind

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        checked = super().check_value(value, ck, path, pos)
        if checked is None:
            return None
        seen = ck.ids.setdefault(self.kind, {})
        if checked in seen:
            ck.error("E-ref-03", path, pos, f"{self.kind} id {checked!r} is declared twice")
        seen[checked] = path
        return checked


class OneOf(Spec):
    """The first alternative whose check passes; if none does, report the first's error."""

    def __init__(self, *options: Spec):
        self.options = options
        self.expects = " or ".join(o.expects for o in options)

    def check(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        for option in self.options:
            trial = Checker(ck.file, ck.vocabulary, ids=ck.ids)
            result = option.check(value, trial, path, pos)
            if not trial.diagnostics:
                ck.pending_refs.extend(trial.pending_refs)
                ck.readings.extend(trial.readings)
                ck.pending_rules.extend(trial.pending_rules)
                return result
        return self.wrong(value, ck, path, pos)


class ListOf(Spec):
    def __init__(self, item: Spec, min_items: int = 0):
        self.item = item
        self.min_items = min_items
        self.expects = "a list"

    def check(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if not isinstance(value, list):
            return self.wrong(value, ck, path, pos)
        if len(value) < self.min_items:
            ck.error("E-value-03", path, pos, f"needs at least {self.min_items} item(s)")
        out = []
        for i, item in enumerate(value):
            item_path = f"{path}[{i}]"
            item_pos = _pos_of_value(value, i) or pos
            ck.positions[item_path] = item_pos or (0, 0)
            out.append(self.item.check(item, ck, item_path, item_pos))
        return out


class MapOf(Spec):
    """A mapping whose keys are names the user chooses (``pins: {clause-id: 1.2.0}``)."""

    def __init__(self, key: Str, value: Spec):
        self.key, self.value = key, value
        self.expects = "a mapping"

    def check(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if not isinstance(value, dict):
            return self.wrong(value, ck, path, pos)
        out = {}
        for key, item in value.items():
            key_path = f"{path}.{key}"
            item_pos = _pos_of_value(value, key) or pos
            ck.positions[key_path] = item_pos or (0, 0)
            checked_key = self.key.check(key, ck, key_path, _pos_of_key(value, key) or pos)
            out[checked_key] = self.value.check(item, ck, key_path, item_pos)
        return out


@dataclass
class F:
    """A field of a :class:`Map`."""

    spec: Spec
    required: bool = False
    hint: str | None = None
    #: the key's new name, when this one is a deprecated alias (JSON Schema ``x-renamed``): its
    #: value is read under the new name, with a warning naming the replacement
    renamed: str | None = None


class Map(Spec):
    """A mapping with known keys: unknown keys and missing required keys are errors."""

    expects = "a mapping of keys to values"

    def __init__(self, fields: dict[str, F], rules: list[Callable[..., None]] | None = None):
        self.fields = fields
        self.rules = rules or []
        #: values a starter deal sheet writes, by list path and item number (JSON Schema's
        #: ``examples``): a section 75 agreement starts with an ICB and a council that hosts
        self.starter: dict[tuple[str, int], dict[str, str]] = {}

    def check(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if not isinstance(value, dict):
            return self.wrong(value, ck, path, pos)
        out: dict[str, Any] = {}
        for key in value:
            key_path = f"{path}.{key}" if path else str(key)
            if key not in self.fields:
                hint = suggest(key, self.fields) or "allowed keys: " + ", ".join(self.fields)
                ck.error("E-key-01", key_path, _pos_of_key(value, key), "unknown key", hint)
                continue
            name = self._renamed(value, key, ck, key_path)
            if name is None:
                continue
            key_path = f"{path}.{name}" if path else name
            value_pos = _pos_of_value(value, key) or pos
            ck.positions[key_path] = value_pos or (0, 0)
            out[name] = self.fields[key].spec.check(value[key], ck, key_path, value_pos)
        for key, spec in self.fields.items():
            if spec.required and key not in value:
                key_path = f"{path}.{key}" if path else key
                ck.error("E-key-02", key_path, pos or (1, 1), "is required but missing", spec.hint)
        ck.pending_rules.extend((rule, out, path) for rule in self.rules)
        return out

    def _renamed(self, value: dict[str, Any], key: str, ck: Checker, key_path: str) -> str | None:
        """The name ``key``'s value is read under: its new name if it is a deprecated alias
        (warned, W-key-01), or None when the new name is given too (E-key-03)."""
        new = self.fields[key].renamed
        if new is None:
            return str(key)
        at = _pos_of_key(value, key)
        if new in value:
            message = f"gives {new} twice: {key} is its old name"
            ck.error("E-key-03", key_path, at, message, f"keep {new} only")
            return None
        ck.warn("W-key-01", key_path, at, f"{key} is the old name of {new}", f"rename it {new}")
        return new


def resolve_refs(ck: Checker) -> None:
    """Check every :class:`Ref` against the ids the deal declared (after the whole walk)."""
    by_value: dict[tuple[str, str, Pos], list[str]] = {}
    for kind, value, path, pos in ck.pending_refs:
        by_value.setdefault((value, path, pos), []).append(kind)
    for (value, path, pos), kinds in by_value.items():
        if any(value in ck.ids.get(kind, {}) for kind in kinds):
            continue
        if not any(ck.ids.get(kind) for kind in kinds):
            continue  # the list declaring them is itself in error: one error, not one per use
        known = [i for kind in kinds for i in ck.ids.get(kind, {})]
        what = " or ".join(kinds)
        hint = suggest(value, known) or (f"declared {what} ids: " + ", ".join(known))
        ck.error(
            "E-ref-01", path, pos, f"{what} {value!r} is not declared in this deal sheet", hint
        )


def run_rules(ck: Checker) -> None:
    """Run the drafting rules the walk collected, each on the checked values. A rule that read a
    value which failed its schema (or a reference to nothing) is not run: one mistake, one error;
    it reports once the value is put right."""
    failed = frozenset(ck.failed)
    for rule, values, path in ck.pending_rules:
        reads: set[str] = set()
        trial = replace(ck, diagnostics=[])
        rule(_Reading(values, path, reads), trial, path)
        if not reads & failed:  # and a finding two rules make is reported once
            ck.diagnostics += [d for d in trial.diagnostics if d not in ck.diagnostics]


class _Reading(dict[str, Any]):
    """A checked mapping that records the dotted path of every value a rule reads from it."""

    def __init__(self, values: dict[str, Any], path: str, reads: set[str]) -> None:
        super().__init__(values)
        self._path, self._reads = path, reads

    def _read(self, key: str, value: Any) -> Any:
        return _recorded(value, f"{self._path}.{key}" if self._path else str(key), self._reads)

    def get(self, key: str, default: Any = None) -> Any:
        return self._read(key, super().get(key, default))

    def __getitem__(self, key: str) -> Any:
        return self._read(key, super().__getitem__(key))

    def values(self) -> Any:
        return [self._read(k, v) for k, v in super().items()]

    def items(self) -> Any:
        return [(k, self._read(k, v)) for k, v in super().items()]


def _recorded(value: Any, path: str, reads: set[str]) -> Any:
    reads.add(path)
    if isinstance(value, dict):
        return _Reading(value, path, reads)
    if isinstance(value, list):
        return [_recorded(item, f"{path}[{i}]", reads) for i, item in enumerate(value)]
    return value
