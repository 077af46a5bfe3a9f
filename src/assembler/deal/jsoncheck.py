"""The ``jsonschema`` library as the validator of record of a deal sheet: every JSON Schema 2020-12
keyword a document type's schema uses (``maximum``, ``maxLength``, ``if``/``then``,
``dependentRequired`` ...) is enforced by it, each error reported at the line of its key, with a
stable rule id by keyword and a message in a lawyer's words.

It runs after the engine's reader (:mod:`assembler.core.schema`), over the values as read
("£1.2m" is 1200000, "1 April 2027" is ``2027-04-01``), so that a bound holds however the value was
written; an error at or under a path the reader already reported is not repeated (one mistake,
one error).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from assembler.core.schema import PLACEHOLDER, Checker, Pos, describe, suggest

#: The formats of the engine (their values are read by the engine's reader; this checks the
#: value as read), beside the standard formats the library checks.
ENGINE_FORMATS = ("date", "money", "percent", "code")

#: JSON Schema's words for a value's type, in a lawyer's words.
TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping of keys to values",
    "array": "a list",
    "null": "nothing",
}


@dataclass(frozen=True)
class Finding:
    """One error: the rule id, the dotted path it is about, and what to tell the lawyer."""

    rule: str
    path: str
    message: str
    hint: str | None = None


Explain = Callable[[ValidationError, str], Iterable[Finding]]


def format_checker(vocabulary: frozenset[str]) -> FormatChecker:
    """The library's format checker, with the engine's formats: ``money`` and ``percent`` are
    amounts (a percentage at most 100), ``code`` a code of the bank's vocabulary."""
    checker = FormatChecker(Draft202012Validator.FORMAT_CHECKER.checkers)

    def amount(value: object, most: float | None = None) -> bool:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return True  # a format checks only values of its kind; ``type`` checks the rest
        return value >= 0 and (most is None or value <= most)

    checker.checks("money")(amount)
    checker.checks("percent")(lambda value: amount(value, 100))
    checker.checks("code")(
        lambda value: not isinstance(value, str) or not vocabulary or value in vocabulary
    )
    return checker


def known_formats() -> frozenset[str]:
    """The formats something checks (a schema naming another is refused: nothing would)."""
    return frozenset(Draft202012Validator.FORMAT_CHECKER.checkers) | frozenset(ENGINE_FORMATS)


def as_json(value: Any) -> Any:
    """A checked deal as JSON data: dates as ISO text, ruamel's containers as plain ones."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dotted(parts: Iterable[str | int]) -> str:
    """``parties[0].kind`` from ``("parties", 0, "kind")``: the engine's way of naming a value."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def key_position(data: Any, parts: list[str | int]) -> Pos:
    """1-based (line, column) of the key (or list item) at ``parts`` in the YAML as read, or
    of its nearest parent the file has."""
    found: Pos = (1, 1)
    node = data
    for part in parts:
        lc = getattr(node, "lc", None)
        try:
            line, col = lc.key(part) if isinstance(part, str) else lc.item(part)  # type: ignore[union-attr]
            node = node[part]
        except (AttributeError, KeyError, IndexError, TypeError):
            break
        found = (line + 1, col + 1)
    return found


def validate(schema: dict[str, Any], checked: Any, written: Any, ck: Checker) -> None:
    """Report, through ``ck``, every error the library finds in the checked deal that the
    engine's reader has not already reported at or above its path."""
    validator = Draft202012Validator(schema, format_checker=format_checker(ck.vocabulary))
    refused = frozenset(ck.failed)  # by the reader, before the library's own findings
    seen: set[tuple[str, str]] = set()
    for error in validator.iter_errors(_without(as_json(checked), ck.failed)):
        for found in explain(specific(error), schema):
            if (found.rule, found.path) in seen or _reported(found.path, refused):
                continue
            seen.add((found.rule, found.path))
            at = key_position(written, _parts(found.path))
            ck.error(found.rule, found.path, at, found.message, found.hint)


def _reported(path: str, failed: Iterable[str]) -> bool:
    return any(path == f or path.startswith((f + ".", f + "[")) for f in failed)


def _without(data: Any, failed: set[str], path: str = "") -> Any:
    """The deal without the values the reader refused (so their consequences are not errors)."""
    if isinstance(data, dict):
        return {
            k: _without(v, failed, f"{path}.{k}" if path else k)
            for k, v in data.items()
            if (f"{path}.{k}" if path else k) not in failed
        }
    if isinstance(data, list):
        return [_without(v, failed, f"{path}[{i}]") for i, v in enumerate(data)]
    return data


def _parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in path.replace("[", ".[").split("."):
        if piece.startswith("["):
            parts.append(int(piece[1:-1]))
        elif piece:
            parts.append(piece)
    return parts


def _is_blank_alternative(error: ValidationError) -> bool:
    return bool(error.validator == "pattern" and error.validator_value == PLACEHOLDER.pattern)


def specific(error: ValidationError) -> ValidationError:
    """For a value that fits none of its alternatives, the error of the alternative it was
    meant for: not the ``[blank]`` one, and a bound it broke before a type it does not have."""
    while error.validator in ("anyOf", "oneOf") and error.context:
        options = [e for e in error.context if not _is_blank_alternative(e)] or error.context
        meant = [e for e in options if e.validator != "type"] or options
        error = best_match(meant) or error
    return error


def _found(value: Any) -> str:
    return (
        str(value)
        if isinstance(value, int | float) and not isinstance(value, bool)
        else (describe(value))
    )


def _bound(words: str) -> Explain:
    """A number beyond a bound: "expected a number of at most 100, found 120"."""

    def explain(error: ValidationError, path: str) -> Iterator[Finding]:
        limit = error.validator_value
        yield Finding(
            "E-json-01", path, f"expected {words.format(limit)}, found {_found(error.instance)}"
        )

    return explain


def _length(words: str, rule: str) -> Explain:
    """Text or a list of the wrong size: "expected text of at most 40 characters, found 52"."""

    def explain(error: ValidationError, path: str) -> Iterator[Finding]:
        size = len(error.instance)
        yield Finding(rule, path, f"expected {words.format(error.validator_value)}, found {size}")

    return explain


def _missing(error: ValidationError, path: str, condition: str) -> Iterator[Finding]:
    """Each key the schema requires here (``required``, or ``then: {required: ...}``)."""
    for key in error.validator_value:
        if isinstance(error.instance, dict) and key not in error.instance:
            message = (
                f"is required{condition}, but missing" if condition else "is required but missing"
            )
            yield Finding("E-json-04", _join(path, key), message)


def _condition(root: dict[str, Any], error: ValidationError) -> str:
    """ " when binding is false" for an error of a ``then`` (" unless ..." of an ``else``), read
    from the ``if`` beside it; " in this case" when the condition is not a simple one."""
    parts = list(error.absolute_schema_path)
    branches = [i for i, part in enumerate(parts) if part in ("then", "else")]
    if not branches:
        return ""
    node: Any = root
    for part in parts[: branches[-1]]:
        if part == "$ref" and isinstance(node, dict):
            node = _resolve(root, str(node["$ref"]))
        else:
            node = node[part]
    phrases = _phrases(node.get("if") if isinstance(node, dict) else None)
    if not phrases:
        return " in this case"
    word = " when " if parts[branches[-1]] == "then" else " unless "
    return word + " and ".join(phrases)


def _resolve(root: dict[str, Any], ref: str) -> Any:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part] if part else node
    return node


def _phrases(condition: Any) -> list[str]:
    """What an ``if`` tests, in words: "binding is false", "type is one of a, b", "x is given"."""
    if not isinstance(condition, dict):
        return []
    phrases = []
    tested = condition.get("properties") or {}
    for key, test in tested.items():
        if isinstance(test, dict) and "const" in test:
            phrases.append(f"{key} is {_word(test['const'])}")
        elif isinstance(test, dict) and "enum" in test:
            phrases.append(f"{key} is one of {', '.join(map(_word, test['enum']))}")
        else:
            return []
    phrases += [f"{key} is given" for key in condition.get("required", []) if key not in tested]
    return phrases


def _word(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _dependent(error: ValidationError, path: str) -> Iterator[Finding]:
    """``dependentRequired``: a key that is needed once another is given."""
    for given, needed in dict(error.validator_value).items():
        if not isinstance(error.instance, dict) or given not in error.instance:
            continue
        for key in needed:
            if key not in error.instance:
                message = f"is required when {given} is given, but missing"
                yield Finding(
                    "E-json-04", _join(path, key), message, f"add {key}, or remove {given}"
                )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _not_allowed(error: ValidationError, path: str) -> Iterator[Finding]:
    allowed = [str(v) for v in error.validator_value]
    hint = suggest(str(error.instance), allowed) or "one of " + ", ".join(allowed)
    yield Finding("E-json-05", path, f"{_found(error.instance)} is not an allowed value", hint)


def _wrong_type(error: ValidationError, path: str) -> Iterator[Finding]:
    kinds = (
        error.validator_value
        if isinstance(error.validator_value, list)
        else [error.validator_value]
    )
    wanted = " or ".join(TYPE_WORDS.get(str(k), str(k)) for k in kinds)
    yield Finding("E-json-05", path, f"expected {wanted}, found {describe(error.instance)}")


def _message(rule: str, text: str, hint: str | None = None) -> Explain:
    def explain(error: ValidationError, path: str) -> Iterator[Finding]:
        yield Finding(
            rule,
            path,
            text.format(value=_found(error.instance), limit=_word(error.validator_value)),
            hint,
        )

    return explain


def _pattern(error: ValidationError, path: str) -> Iterator[Finding]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    hint = schema.get("x-hint") or f"the form it needs: {error.validator_value}"
    yield Finding("E-json-02", path, f"{_found(error.instance)} is not in the form needed", hint)


def _extra_keys(error: ValidationError, path: str) -> Iterator[Finding]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = set(schema.get("properties") or {})
    for key in error.instance if isinstance(error.instance, dict) else ():
        if key not in known:
            hint = suggest(str(key), known)
            yield Finding("E-json-06", _join(path, str(key)), "is not allowed here", hint)


#: How each keyword's error is told, and its rule id (registered in ``engine-rules.yaml``):
#: E-json-01 a number out of bounds, -02 text of the wrong length or form, -03 a list of the wrong
#: size or with a repeat, -04 a key the schema requires (``required``, in :func:`explain`, says
#: when), -05 a value not allowed, -06 a key not allowed or a mapping of the wrong size, -07 a
#: value that fits none of the schema's forms.
EXPLAIN: dict[str, Explain] = {
    "maximum": _bound("a number of at most {}"),
    "exclusiveMaximum": _bound("a number below {}"),
    "minimum": _bound("a number of at least {}"),
    "exclusiveMinimum": _bound("a number above {}"),
    "multipleOf": _bound("a multiple of {}"),
    "maxLength": _length("text of at most {} characters", "E-json-02"),
    "minLength": _length("text of at least {} characters", "E-json-02"),
    "pattern": _pattern,
    "format": _message("E-json-02", "{value} is not a valid {limit}"),
    "maxItems": _length("at most {} item(s)", "E-json-03"),
    "minItems": _length("at least {} item(s)", "E-json-03"),
    "uniqueItems": _message("E-json-03", "lists an item twice", "give each item once"),
    "contains": _message("E-json-03", "lacks an item the schema requires"),
    "dependentRequired": _dependent,
    "enum": _not_allowed,
    "const": _message("E-json-05", "expected {limit}, found {value}"),
    "type": _wrong_type,
    "not": _message("E-json-05", "{value} is ruled out here by the schema"),
    "additionalProperties": _extra_keys,
    "unevaluatedProperties": _extra_keys,
    "propertyNames": _message("E-json-06", "has a key not allowed here"),
    "maxProperties": _length("at most {} key(s)", "E-json-06"),
    "minProperties": _length("at least {} key(s)", "E-json-06"),
}


def explain(error: ValidationError, root: dict[str, Any]) -> Iterable[Finding]:
    """The findings of one error of the library (validating against ``root``), in a lawyer's
    words."""
    path = dotted(error.absolute_path)
    if error.validator == "required":
        return _missing(error, path, _condition(root, error))
    how = EXPLAIN.get(str(error.validator))
    if how is not None:
        return how(error, path)
    if error.validator == "oneOf" and not error.context:
        message = "fits more than one of the forms the schema allows, and must fit exactly one"
        return [Finding("E-json-07", path, message)]
    return [Finding("E-json-07", path, "does not fit any of the forms the schema allows")]
