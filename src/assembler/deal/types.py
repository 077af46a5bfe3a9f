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

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from assembler.core.schema import (
    PLACEHOLDER,
    Anything,
    Bool,
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
from assembler.deal.rulekinds import Rule, compile_rule, schema_error

COMMON = "common.schema.yaml"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


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


def _export(node: Any, blank: bool = True) -> Any:
    """A schema node with references made local and, unless ``blank`` is false (in a condition,
    ``if`` or ``not``, where a blank must not count as a value), scalars accepting a blank."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in NAMED_SUBSCHEMAS and isinstance(value, dict):
            out[key] = {name: _export(child, blank) for name, child in value.items()}
        elif key in SUBSCHEMAS and isinstance(value, list):
            out[key] = [_export(child, blank) for child in value]
        elif key in SUBSCHEMA:
            out[key] = _export(value, blank and key not in ("if", "not", "propertyNames"))
        elif key != "x-rules":
            out[key] = value
    if isinstance(out.get("$ref"), str):
        out["$ref"] = "#/$defs/" + out["$ref"].rpartition("/")[2]
    written = AS_WRITTEN.get(str(out.get("format") or out.get("type")))
    if blank and (out.get("type") in SCALAR_TYPES or SCALAR_KEYWORDS & set(out) or written):
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
            raise schema_error(
                file,
                f"the schema keyword {key!r} is checked by nothing",
                (suggest(str(key), KEYWORDS) or "write the check as a rule in rules.yaml")
                + "; keywords that are checked: "
                + ", ".join(sorted(KEYWORDS)),
                _key_at(node, key),
            )
        if key == "format" and value not in known_formats():
            hint = "formats that are checked: " + ", ".join(sorted(known_formats()))
            raise schema_error(
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
            raise schema_error(self.file, f"a schema node must be a mapping, found {node!r}")
        if "$ref" in node:
            return self.ref(str(node["$ref"]))
        alternatives = node.get("anyOf", node.get("oneOf"))
        if alternatives is not None:  # the first alternative that fits
            return OneOf(*(self.spec(option) for option in alternatives))
        if "enum" in node or "const" in node:
            return Enum(*node.get("enum", [node.get("const")]))
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
        for key, field_ in fields.items():
            if field_.renamed is not None and field_.renamed not in fields:
                message = f"{key} is renamed {field_.renamed!r}, which is not a key beside it"
                raise schema_error(self.file, message, "name a key of the same properties")
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
                raise schema_error(self.file, f"$ref {ref!r} names no definition", f"see {COMMON}")
            self.cache[ref] = self.spec(defs["$defs"][name])
        return self.cache[ref]


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
        raise schema_error(file, f"not valid JSON Schema 2020-12 at {where}: {error.message}")


def _checked_source(file: Path) -> dict[str, Any]:
    """A schema file as plain data, once it is valid JSON Schema using only enforced keywords."""
    written = _read(file)
    if not isinstance(written, dict):
        raise schema_error(file, "a schema file must be a mapping (a JSON Schema object)")
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
            raise schema_error(schema_file, "a document type's schema must be an object schema")
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
