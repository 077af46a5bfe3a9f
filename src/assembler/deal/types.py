"""Document types as data: a bank's ``types/<document_type>/schema.yaml`` (JSON Schema 2020-12 in
YAML, sharing ``types/common.schema.yaml``) and ``rules.yaml``, compiled into the checker of
:mod:`schema` that reports every mistake at its line, and bundled into one self-contained JSON
Schema for editors and other tools (``assemble schema TYPE``).

The engine's value kinds are JSON Schema keywords: ``format: date | money | percent | code``,
``x-ref: party`` (a reference to an id the deal declares), ``x-id: party`` (declares one),
``x-hint`` (the hint for a value that fails its ``pattern``) and ``x-rules`` (Python rules of the
registry that check a nested mapping). Every scalar also accepts a ``[bracketed]`` blank.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.ruleids import RULES, RuleInfo
from assembler.core.schema import (
    PLACEHOLDER,
    Anything,
    Bool,
    Checker,
    Code,
    Date,
    Enum,
    F,
    Id,
    Int,
    ListOf,
    Map,
    MapOf,
    Money,
    Number,
    OneOf,
    Percent,
    Ref,
    Spec,
    Str,
    suggest,
)
from assembler.deal.jsoncheck import known_formats

COMMON = "common.schema.yaml"
RULE_ID = re.compile(r"[EW]-[a-z]+-[0-9A-Za-z]+")
DRAFT = "https://json-schema.org/draft/2020-12/schema"
Rule = Callable[[dict[str, Any], Checker, str], None]


@dataclass(frozen=True)
class DocType:
    """One document type of a bank: its checker, its schema as written and its folder."""

    name: str
    folder: Path
    schema: Map
    source: dict[str, Any] = field(repr=False)
    common: dict[str, Any] = field(repr=False)

    @functools.cached_property
    def bundled(self) -> dict[str, Any]:
        """:meth:`json_schema`, made once: the jsonschema library validates each deal with it."""
        return self.json_schema()

    @property
    def outline(self) -> Path:
        return self.folder / "outline.yaml"

    def json_schema(self) -> dict[str, Any]:
        """One self-contained JSON Schema: the shared definitions bundled under ``$defs``, and
        every scalar accepting a ``[bracketed]`` blank, so that any JSON Schema validator checks
        a deal sheet without the engine."""
        defs = {**self.common.get("$defs", {}), **self.source.get("$defs", {})}
        body = {k: v for k, v in self.source.items() if k not in ("$defs", "$id", "$schema")}
        return {
            "$schema": DRAFT,
            "$id": f"urn:assembler:{self.name}",
            **_export(body),
            "$defs": {**{k: _export(v) for k, v in defs.items()}, "blank": BLANK},
        }


BLANK = {
    "type": "string",
    "pattern": PLACEHOLDER.pattern,
    "description": "a deliberate blank, printed highlighted for the drafter to fill",
}


def _export(node: Any) -> Any:
    """A schema node with references made local and scalars accepting a blank."""
    if isinstance(node, list):
        return [_export(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _export(v) for k, v in node.items() if k != "x-rules"}
    if isinstance(out.get("$ref"), str):
        out["$ref"] = "#/$defs/" + out["$ref"].rpartition("/")[2]
    written = AS_WRITTEN.get(str(out.get("format") or out.get("type")))
    if out.get("type") in SCALAR_TYPES or SCALAR_KEYWORDS & set(out) or written:
        if out.get("format") in ("money", "percent"):  # a schema's own bounds come first
            most = {"maximum": 100} if out["format"] == "percent" else {}
            out = {"minimum": 0, **most, **out, "type": "number"}
        keep = {"description": out.pop("description")} if "description" in out else {}
        alternatives = [out, *([{"type": "string", "pattern": written}] if written else [])]
        return {**keep, "anyOf": [*alternatives, {"$ref": "#/$defs/blank"}]}
    return out


SCALAR_TYPES = ("string", "integer", "number", "boolean")
#: Keywords that constrain a scalar: a node with one accepts a blank in its place.
SCALAR_KEYWORDS = frozenset(
    {
        "enum", "const", "pattern", "format", "maxLength", "minLength", "maximum", "minimum",
        "exclusiveMaximum", "exclusiveMinimum", "multipleOf",
    }
)  # fmt: skip


#: Values as a lawyer writes them, which the engine reads (see :mod:`schema`), as patterns any
#: JSON Schema validator understands (ECMA-262).
AS_WRITTEN = {
    "money": r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*(k|m|bn|thousand|million|billion)?$",
    "percent": r"^\d+(\.\d+)?\s*(%|per ?cent)$",
    "date": r"^\d{1,2}(st|nd|rd|th)?\s+[A-Za-z]{3,9},?\s+\d{4}$",
    "boolean": r"^([Yy]es|[Nn]o|YES|NO)$",
}


class SchemaFileError(AssemblerError):
    """A schema file the engine cannot compile."""


def _fail(
    file: Path, message: str, hint: str | None = None, at: tuple[int, int] | None = None
) -> SchemaFileError:
    line, col = at or (None, None)
    return SchemaFileError(Diagnostic("E-schema-01", message, str(file), line, col, hint))


#: The keywords something enforces: every validation keyword of the ``jsonschema`` library (the
#: validator of record, :mod:`jsoncheck`), the annotations, and the engine's own ``x-`` keywords.
#: Any other keyword in a schema (a typo such as ``maximun``, an unknown ``x-`` keyword) is refused
#: when the type is loaded, never ignored: a check that silently checked nothing would be a green
#: gate that lies.
KEYWORDS = (
    frozenset(Draft202012Validator.VALIDATORS)
    | {"then", "else", "minContains", "maxContains"}  # enforced through if and contains
    | {
        "$schema", "$id", "$defs", "$comment", "$anchor", "$dynamicAnchor", "title",
        "description", "examples", "default", "deprecated", "readOnly", "writeOnly",
    }
    | {"x-ref", "x-id", "x-hint", "x-rules", "x-vocabulary", "x-renamed"}
)  # fmt: skip
#: Keywords whose value is a schema, a list of schemas, or a mapping of names to schemas.
SUBSCHEMA = frozenset(
    {
        "additionalProperties", "items", "contains", "not", "if", "then", "else",
        "propertyNames", "unevaluatedItems", "unevaluatedProperties",
    }
)  # fmt: skip
SUBSCHEMAS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
NAMED_SUBSCHEMAS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})


def check_keywords(file: Path, node: Any) -> None:
    """Every keyword of every schema node in ``node`` (ruamel data, for the line) is enforced,
    and every ``format`` is one something checks: else E-schema-01 at the keyword's line."""
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key not in KEYWORDS:
            raise _fail(
                file,
                f"the schema keyword {key!r} is checked by nothing",
                (suggest(str(key), KEYWORDS) or "write the check as a rule in rules.yaml")
                + "; keywords that are checked: "
                + ", ".join(sorted(KEYWORDS)),
                _key_at(node, key),
            )
        if key == "format" and value not in known_formats():
            hint = "formats that are checked: " + ", ".join(sorted(known_formats()))
            raise _fail(
                file, f"the format {value!r} is checked by nothing", hint, _key_at(node, key)
            )
        if key in SUBSCHEMA:
            check_keywords(file, value)
        elif key in SUBSCHEMAS and isinstance(value, list):
            for item in value:
                check_keywords(file, item)
        elif key in NAMED_SUBSCHEMAS and isinstance(value, dict):
            for item in value.values():
                check_keywords(file, item)


def _key_at(node: Any, key: str) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    try:
        line, col = lc.key(key)  # type: ignore[union-attr]
    except (AttributeError, KeyError, TypeError):
        return None
    return line + 1, col + 1


@dataclass
class _Compiler:
    """Turns JSON Schema nodes into :class:`Spec` objects, resolving ``$ref`` to common defs."""

    file: Path
    local: dict[str, Any]
    common: dict[str, Any]
    rules: Mapping[str, Rule]
    cache: dict[str, Spec] = field(default_factory=dict)

    def spec(self, node: Any) -> Spec:
        if not isinstance(node, dict):
            raise _fail(self.file, f"a schema node must be a mapping, found {node!r}")
        if "$ref" in node:
            return self.ref(str(node["$ref"]))
        alternatives = node.get("anyOf", node.get("oneOf"))
        if alternatives is not None:  # the first alternative that fits
            return OneOf(*(self.spec(option) for option in alternatives))
        if "enum" in node or "const" in node:
            return Enum(*(str(v) for v in node.get("enum", [node.get("const")])))
        if "x-ref" in node:
            kinds = node["x-ref"]
            return Ref(*([kinds] if isinstance(kinds, str) else kinds))
        return self.by_type(node)

    def by_type(self, node: dict[str, Any]) -> Spec:
        kinds: dict[str, Callable[[], Spec]] = {
            "date": Date,
            "money": Money,
            "percent": Percent,
            "code": Code,
        }
        if node.get("format") in kinds:
            return kinds[node["format"]]()
        kind = node.get("type")
        if kind == "object":
            return self.mapping(node)
        if kind == "array":
            return ListOf(self.spec(node.get("items", {})), int(node.get("minItems", 0)))
        if kind == "boolean":
            return Bool()
        if kind == "integer":
            return Int(int(node.get("minimum", 0)))
        if kind == "string" and "x-id" in node:
            return Id(str(node["x-id"]))
        if kind == "string":
            return Str(node.get("pattern"), node.get("x-hint"))
        if kind == "number":
            return Number()
        return Anything()  # no kind the reader knows: the jsonschema library checks it

    def mapping(self, node: dict[str, Any]) -> Spec:
        extra = node.get("additionalProperties", False)
        if "properties" not in node and isinstance(extra, dict):
            key = node.get("propertyNames", {})
            return MapOf(Str(key.get("pattern"), key.get("x-hint")), self.spec(extra))
        required = set(node.get("required", []))
        fields = {
            str(key): F(
                self.spec(child), key in required, child.get("description"), child.get("x-renamed")
            )
            for key, child in (node.get("properties") or {}).items()
        }
        return Map(fields, [self.rule(name) for name in node.get("x-rules", [])])

    def rule(self, entry: Any) -> Rule:
        return compile_rule(entry, self.rules, self.file)

    def ref(self, ref: str) -> Spec:
        if ref not in self.cache:
            document, _, pointer = ref.partition("#")
            name = pointer.removeprefix("/$defs/")
            local = self.local.get("$defs", {})
            defs = self.local if name in local and not document.endswith(COMMON) else self.common
            if not pointer.startswith("/$defs/") or name not in defs.get("$defs", {}):
                raise _fail(self.file, f"$ref {ref!r} names no definition", f"see {COMMON}")
            self.cache[ref] = self.spec(defs["$defs"][name])
        return self.cache[ref]


def compile_rule(entry: Any, registry: Mapping[str, Rule], file: Path) -> Rule:
    """A rule of ``rules.yaml`` (or an ``x-rules`` entry): a declarative kind with its
    parameters, or ``python: name`` naming a function of the engine's registry."""
    if isinstance(entry, str):
        entry = {"python": entry}
    if not isinstance(entry, dict):
        raise _fail(file, f"a rule must be a mapping, found {entry!r}")
    if "python" in entry:
        name = str(entry["python"])
        if name not in registry:
            raise _fail(file, f"no Python rule named {name!r}", "known: " + ", ".join(registry))
        return registry[name]
    kind = entry.get("kind")
    if kind not in DECLARATIVE:
        raise _fail(file, f"unknown rule kind {kind!r}", "kinds: " + ", ".join(DECLARATIVE))
    rule_id = str(entry.get("id", ""))
    if not RULE_ID.fullmatch(rule_id):
        raise _fail(file, f"a {kind} rule needs an id such as E-rule-X1, found {rule_id!r}")
    severity = "warning" if rule_id.startswith("W-") else "error"
    summary = str(entry.get("message", kind))
    RULES.setdefault(rule_id, RuleInfo(rule_id, severity, str(entry.get("source", file)), summary))
    try:
        rule = DECLARATIVE[str(kind)](entry)
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(file, f"rule {rule_id} ({kind}) lacks or misstates {exc}") from None
    rule.rule_ids = (rule_id,)  # type: ignore[attr-defined]
    return rule


def dig(values: Any, dotted: str) -> Any:
    """The value at a dotted path (``term.sunset``), or None."""
    for part in dotted.split("."):
        values = values.get(part) if isinstance(values, dict) else None
    return values


def _date_order(entry: dict[str, Any]) -> Rule:
    """Each (earlier, later) pair of dotted paths: the later date must be after the earlier."""
    pairs = [(str(a), str(b)) for a, b in entry.get("pairs", [])]
    rule_id = str(entry.get("id", "E-date-01"))
    hint = str(entry.get("hint", "check the order of the dates"))

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        for earlier, later in pairs:
            a, b = dig(values, earlier), dig(values, later)
            if isinstance(a, dt.date) and isinstance(b, dt.date) and b <= a:
                where = f"{path}.{later}" if path else later
                message = f"{b.isoformat()} must be after {earlier} ({a.isoformat()})"
                ck.error(rule_id, where, ck.at(where), message, hint)

    return rule


def _report(entry: dict[str, Any]) -> Callable[[Checker, str, str], None]:
    """Report the entry's message and hint as its rule id and severity, at a dotted path."""
    rule_id, message = str(entry["id"]), str(entry.get("message", entry.get("kind")))
    hint = entry.get("hint")
    warn = rule_id.startswith("W-")

    def report(ck: Checker, path: str, where: str) -> None:
        at = f"{path}.{where}" if path and where else path or where
        (ck.warn if warn else ck.error)(rule_id, at, ck.at(at), message, hint)

    return report


def items(values: Any, dotted: str) -> list[tuple[str, Any]]:
    """(path, value) of each value at a dotted path, where ``list[]`` stands for every item."""
    found: list[tuple[str, Any]] = [("", values)]
    for part in dotted.split("."):
        each = part.endswith("[]")
        key = part.removesuffix("[]")
        step = [(f"{p}.{key}".lstrip("."), dig(v, key)) for p, v in found]
        found = (
            [
                (f"{p}[{i}]", item)
                for p, v in step
                if isinstance(v, list)
                for i, item in enumerate(v)
            ]
            if each
            else step
        )
    return found


def _matches(values: Any, when: dict[str, Any]) -> bool:
    """Every dotted key of ``when`` holds its value (or, for a list, contains it)."""
    for key, wanted in when.items():
        held = dig(values, str(key))
        if not (held == wanted or (isinstance(held, list) and wanted in held)):
            return False
    return True


def _sum_to(entry: dict[str, Any]) -> Rule:
    """The numbers at ``paths`` (``list[].field`` for each item) add up to ``total``; not
    checked while one is a blank."""
    paths, total, report = [str(p) for p in entry["paths"]], entry["total"], _report(entry)

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        found = [(where, v) for p in paths for where, v in items(values, p)]
        numbers = [v for _, v in found if isinstance(v, int | float) and not isinstance(v, bool)]
        if found and len(numbers) == len(found) and abs(sum(numbers) - total) > 1e-9:
            report(ck, path, paths[0].partition("[]")[0])

    return rule


def _required_if(entry: dict[str, Any], present: bool = True) -> Rule:
    """``path`` is given when (``required_if``), or not given when (``forbidden_if``), every key
    of ``when`` holds its value."""
    key, when, report = str(entry["path"]), dict(entry["when"]), _report(entry)

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        if _matches(values, when) and (dig(values, key) is not None) != present:
            report(ck, path, key if not present else next(iter(when)))

    return rule


def _at_least_one(entry: dict[str, Any]) -> Rule:
    """At least one item of the list at ``path`` has every key of ``has`` holding its value."""
    key, has, report = str(entry["path"]), dict(entry.get("has", {})), _report(entry)

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        listed = dig(values, key)
        if isinstance(listed, list) and listed and not any(_matches(i, has) for i in listed):
            report(ck, path, key)

    return rule


def _party_with_role(entry: dict[str, Any]) -> Rule:
    """At least one party has the role ``role``."""
    return _at_least_one({**entry, "path": "parties", "has": {"roles": entry["role"]}})


def _unique(entry: dict[str, Any]) -> Rule:
    """The values at ``path`` (``list[].field``) are all different: the second is reported."""
    key, report = str(entry["path"]), _report(entry)

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        seen: set[str] = set()
        for where, value in items(values, key):
            if value is not None and repr(value) in seen:
                report(ck, path, where)
            seen.add(repr(value))

    return rule


DECLARATIVE: dict[str, Callable[[dict[str, Any]], Rule]] = {
    "date_order": _date_order,
    "sum_to": _sum_to,
    "required_if": _required_if,
    "forbidden_if": lambda entry: _required_if(entry, present=False),
    "at_least_one": _at_least_one,
    "party_with_role": _party_with_role,
    "unique": _unique,
}


def _read(path: Path) -> Any:
    from assembler.core.yamlio import read_yaml

    data, _ = read_yaml(path)
    return data


def _plain(value: Any) -> Any:
    """ruamel's containers as plain dicts and lists (the schema is data, not a document)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _check_meta(file: Path, source: dict[str, Any]) -> None:
    """The schema is valid JSON Schema 2020-12 (the metaschema, checked by ``jsonschema``)."""
    error = best_match(Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(source))
    if error is not None:
        where = "/".join(map(str, error.absolute_path)) or "the top level"
        raise _fail(file, f"not valid JSON Schema 2020-12 at {where}: {error.message}")


def _checked_source(file: Path) -> dict[str, Any]:
    """A schema file as plain data, once it is valid JSON Schema using only enforced keywords."""
    written = _read(file)
    if not isinstance(written, dict):
        raise _fail(file, "a schema file must be a mapping (a JSON Schema object)")
    source: dict[str, Any] = _plain(written)
    _check_meta(file, source)
    check_keywords(file, written)
    return source


def _starter_values(source: dict[str, Any]) -> dict[tuple[str, int], dict[str, str]]:
    """What a starter deal sheet writes in a top-level list's items, from the list's first JSON
    Schema ``examples`` entry (a section 75 agreement starts with an ICB and a council that hosts)."""
    given: dict[tuple[str, int], dict[str, str]] = {}
    for key, node in (source.get("properties") or {}).items():
        examples = node.get("examples") if isinstance(node, dict) else None
        if not examples or not isinstance(examples[0], list):
            continue
        for n, item in enumerate(examples[0], start=1):
            if isinstance(item, dict):
                given[(f"{key}[]", n)] = {str(k): _flow(v) for k, v in item.items()}
    return given


def _flow(value: Any) -> str:
    """A value as YAML flow text: ``[commissioner, host]``."""
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def load_types(root: Path, registry: Mapping[str, Rule]) -> dict[str, DocType]:
    """Every document type a bank folder's ``types/`` declares, by name."""
    types_dir = root / "types"
    common_file = types_dir / COMMON
    common = _checked_source(common_file) if common_file.is_file() else {}
    found: dict[str, DocType] = {}
    for schema_file in sorted(types_dir.glob("*/schema.yaml")):
        folder = schema_file.parent
        source = _checked_source(schema_file)
        if source.get("type") != "object":
            raise _fail(schema_file, "a document type's schema must be an object schema")
        compiler = _Compiler(schema_file, source, common, registry)
        top = compiler.mapping(source)
        assert isinstance(top, Map)
        rules_file = folder / "rules.yaml"
        entries = _plain(_read(rules_file)) if rules_file.is_file() else []
        top.rules = [*top.rules, *(compile_rule(e, registry, rules_file) for e in entries or [])]
        top.starter = _starter_values(source)
        found[folder.name] = DocType(folder.name, folder, top, source, common)
    return found


@functools.cache
def house_types() -> dict[str, DocType]:
    """The house bank's document types (what a bank without ``types/`` of its own uses)."""
    from assembler.bank.project import HOUSE_BANK
    from assembler.doctypes import PYTHON_RULES

    return load_types(HOUSE_BANK, PYTHON_RULES)


def bank_types(root: Path) -> dict[str, DocType]:
    """A bank's document types: its own ``types/``, or else the house bank's."""
    from assembler.doctypes import PYTHON_RULES

    if (root / "types").is_dir():
        return _cached_types(root.resolve(), _mtime(root / "types"), tuple(PYTHON_RULES))
    return house_types()


def _mtime(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.rglob("*.yaml")), default=0.0)


@functools.lru_cache(maxsize=16)
def _cached_types(root: Path, _stamp: float, _names: tuple[str, ...]) -> dict[str, DocType]:
    from assembler.doctypes import PYTHON_RULES

    return load_types(root, PYTHON_RULES)
