"""A small typed schema language for deal sheets, checking ruamel.yaml data with line numbers: the
structures (mappings, lists, alternatives) here, the scalars in :mod:`scalars`, the checker they
report through in :mod:`checker`; every name is importable from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from assembler.core.checker import (
    PLACEHOLDER,
    Checker,
    InForce,
    Pos,
    describe,
    is_placeholder,
    pos_of_key,
    pos_of_value,
    suggest,
)
from assembler.core.scalars import (
    Bool,
    Code,
    Date,
    Enum,
    Id,
    Int,
    Money,
    Number,
    Percent,
    Ref,
    Scalar,
    Spec,
    Str,
)

__all__ = [
    "PLACEHOLDER", "Anything", "Bool", "Checker", "Code", "Date", "Enum", "F", "Id", "InForce",
    "Int", "ListOf", "Map", "MapOf", "Money", "Number", "OneOf", "Percent", "Pos", "Ref",
    "Scalar", "Spec", "Str", "describe", "is_placeholder", "resolve_refs", "run_rules", "suggest",
]  # fmt: skip


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
                ck.aliases.extend(trial.aliases)
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
            item_pos = pos_of_value(value, i) or pos
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
            item_pos = pos_of_value(value, key) or pos
            ck.positions[key_path] = item_pos or (0, 0)
            checked_key = self.key.check(key, ck, key_path, pos_of_key(value, key) or pos)
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
                ck.error("E-key-01", key_path, pos_of_key(value, key), "unknown key", hint)
                continue
            name = self._renamed(value, key, ck, key_path)
            if name is None:
                continue
            key_path = f"{path}.{name}" if path else name
            value_pos = pos_of_value(value, key) or pos
            ck.positions[key_path] = value_pos or (0, 0)
            out[name] = self.fields[key].spec.check(value[key], ck, key_path, value_pos)
        for key, spec in self.fields.items():
            if spec.required and key not in value:
                key_path = f"{path}.{key}" if path else key
                ck.error("E-key-02", key_path, pos or (1, 1), "is required but missing", spec.hint)
        ck.pending_rules.extend((rule, out, path) for rule in self.rules)
        ck.aliases += [
            (f"{path}.{f.renamed}" if path else f.renamed, old)
            for old, f in self.fields.items()
            if f.renamed and f.renamed in out
        ]
        return out

    def _renamed(self, value: dict[str, Any], key: str, ck: Checker, key_path: str) -> str | None:
        """The name ``key``'s value is read under: its new name if it is a deprecated alias
        (warned, W-key-01), or None when the new name is given too (E-key-03)."""
        new = self.fields[key].renamed
        if new is None:
            return str(key)
        at = pos_of_key(value, key)
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
