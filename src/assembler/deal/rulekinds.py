"""The drafting rules a document type declares in its ``rules.yaml``: each entry is a declarative
kind with its parameters (sums to a total, required-if, forbidden-if, date order, at least one of,
unique, allowed values, equal values, a party with a role), or ``python: name`` naming a function
of the engine's registry for what cannot be declared.

Every kind takes ``each`` (run the rule on each value a dotted path names, ``list[]`` standing for
every item; or a list of such paths), ``when`` (run it only where every key holds its value) and
``at`` (report at this key rather than the kind's own). A message and a hint may name a value of
the rule's scope, or what the rule computed, as ``{key}`` (``{year}``, ``{sum:,}``).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.ruleids import RULES, RuleInfo
from assembler.core.schema import Checker, Pos, is_placeholder

RULE_ID = re.compile(r"[EW]-[a-z]+-[0-9A-Za-z]+")
Rule = Callable[[dict[str, Any], Checker, str], None]
Report = Callable[..., None]


class SchemaFileError(AssemblerError):
    """A schema or rules file the engine cannot compile."""


def schema_error(
    file: Path, message: str, hint: str | None = None, at: tuple[int, int] | None = None
) -> SchemaFileError:
    """E-schema-01 about ``file``, at the line of the mistake when it is known."""
    line, col = at or (None, None)
    return SchemaFileError(Diagnostic("E-schema-01", message, str(file), line, col, hint))


def compile_rule(entry: Any, registry: Mapping[str, Rule], file: Path) -> Rule:
    """A rule of ``rules.yaml`` (or an ``x-rules`` entry): a declarative kind with its
    parameters, or ``python: name`` naming a function of the engine's registry."""
    if isinstance(entry, str):
        entry = {"python": entry}
    if not isinstance(entry, dict):
        raise schema_error(file, f"a rule must be a mapping, found {entry!r}")
    if "python" in entry:
        name = str(entry["python"])
        if name not in registry:
            known = "known: " + ", ".join(registry)
            raise schema_error(file, f"no Python rule named {name!r}", known)
        return registry[name]
    kind = entry.get("kind")
    if kind not in DECLARATIVE:
        kinds = "kinds: " + ", ".join(DECLARATIVE)
        raise schema_error(file, f"unknown rule kind {kind!r}", kinds)
    rule_id = str(entry.get("id", ""))
    if not RULE_ID.fullmatch(rule_id):
        message = f"a {kind} rule needs an id such as E-rule-X1, found {rule_id!r}"
        raise schema_error(file, message)
    severity = "warning" if rule_id.startswith("W-") else "error"
    summary = str(entry.get("summary", entry.get("message", kind)))
    RULES.setdefault(rule_id, RuleInfo(rule_id, severity, str(entry.get("source", file)), summary))
    try:
        rule = _scoped(DECLARATIVE[str(kind)](entry), entry)
    except (KeyError, TypeError, ValueError) as exc:
        raise schema_error(file, f"rule {rule_id} ({kind}) lacks or misstates {exc}") from None
    rule.rule_ids = (rule_id,)  # type: ignore[attr-defined]
    return rule


def _scoped(rule: Rule, entry: dict[str, Any]) -> Rule:
    """The rule run on each value ``each`` names, where ``when`` holds."""
    each = entry.get("each")
    scopes = [str(each)] if isinstance(each, str) else [str(p) for p in each or []]
    when = dict(entry.get("when") or {})

    def scoped(values: dict[str, Any], ck: Checker, path: str) -> None:
        found = [s for scope in scopes for s in items(values, scope)] if scopes else [("", values)]
        for where, value in found:
            if isinstance(value, dict) and _matches(value, when):
                rule(value, ck, _join(path, where))

    return scoped


def dig(values: Any, dotted: str) -> Any:
    """The value at a dotted path (``term.sunset``), or None."""
    for part in dotted.split("."):
        values = values.get(part) if isinstance(values, dict) else None
    return values


def items(values: Any, dotted: str) -> list[tuple[str, Any]]:
    """(path, value) of each value at a dotted path, where ``list[]`` stands for every item."""
    found: list[tuple[str, Any]] = [("", values)]
    for part in dotted.split("."):
        key = part.removesuffix("[]")
        step = [(_join(p, key), dig(v, key)) for p, v in found]
        if part.endswith("[]"):
            step = [
                (f"{p}[{i}]", item)
                for p, v in step
                if isinstance(v, list)
                for i, item in enumerate(v)
            ]
        found = step
    return found


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path and key else path or key


def _matches(values: Any, when: dict[str, Any]) -> bool:
    """Every dotted key of ``when`` holds its value: equal to it, a list containing it, or, for a
    list of values, one of them."""
    for key, wanted in when.items():
        held = dig(values, str(key))
        if not (
            held == wanted
            or (isinstance(held, list) and wanted in held)
            or (isinstance(wanted, list) and not isinstance(held, list) and held in wanted)
        ):
            return False
    return True


def _nearest(ck: Checker, path: str) -> Pos:
    """Where the value at ``path`` is, or else its nearest parent the deal sheet has."""
    while path and ck.at(path) is None:
        path = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path) if re.search(r"[.\[]", path) else ""
    return ck.at(path) if path else None


def _fill(text: str, values: Any, computed: dict[str, Any]) -> str:
    """``text`` with each ``{key}`` replaced by what the rule computed or the scope's value
    (left as written when there is neither: "list {party, pct} for each partner")."""
    out = []
    for literal, name, spec, _ in string.Formatter().parse(text):
        out.append(literal)
        if name is None:
            continue
        value = computed[name] if name in computed else dig(values, name)
        if value is None:
            out.append("{" + name + (f":{spec}" if spec else "") + "}")
            continue
        try:
            out.append(format(value, spec or ""))
        except (TypeError, ValueError):
            out.append(str(value))
    return "".join(out)


def _report(entry: dict[str, Any]) -> Report:
    """Report the entry's message and hint as its rule id and severity, at ``at`` if the entry
    gives one, else at the dotted path the kind names."""
    rule_id, message = str(entry["id"]), str(entry.get("message", entry.get("kind")))
    hint, at = entry.get("hint"), entry.get("at")
    warn = rule_id.startswith("W-")

    def report(ck: Checker, path: str, where: str, values: Any, **computed: Any) -> None:
        here = _join(path, str(at) if at else where)
        text = _fill(message, values, computed)
        shown = _fill(str(hint), values, computed) if hint else None
        (ck.warn if warn else ck.error)(rule_id, here, _nearest(ck, here), text, shown)

    return report


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _date_order(entry: dict[str, Any]) -> Rule:
    """Each (earlier, later) pair of dotted paths: the later date must be after the earlier."""
    pairs = [(str(a), str(b)) for a, b in entry.get("pairs", [])]
    rule_id = str(entry.get("id", "E-date-01"))
    hint = str(entry.get("hint", "check the order of the dates"))

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        for earlier, later in pairs:
            a, b = dig(values, earlier), dig(values, later)
            if isinstance(a, dt.date) and isinstance(b, dt.date) and b <= a:
                where = _join(path, later)
                message = f"{b.isoformat()} must be after {earlier} ({a.isoformat()})"
                ck.error(rule_id, where, ck.at(where), message, hint)

    return rule


def _sum_to(entry: dict[str, Any]) -> Rule:
    """The numbers at ``paths`` (``list[].field`` for each item) add up to ``total``, a number or
    the dotted path of one; not checked while one is a blank. The message may name ``{sum}`` and
    ``{total}``."""
    paths, total, report = [str(p) for p in entry["paths"]], entry["total"], _report(entry)

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        found = [v for p in paths for _, v in items(values, p)]
        numbers = [v for v in found if _number(v)]
        wanted = dig(values, total) if isinstance(total, str) else total
        complete = found and len(numbers) == len(found) and _number(wanted)
        if complete and abs(sum(numbers) - wanted) > 1e-9:
            where = paths[0].partition("[]")[0]
            report(ck, path, where, values, sum=sum(numbers), total=wanted)

    return rule


def _given(value: Any) -> bool:
    return value is not None and value != [] and value != {}


def _required_if(entry: dict[str, Any], present: bool = True) -> Rule:
    """``path`` is given (``required_if``), or not given (``forbidden_if``), where every key of
    ``when`` holds its value (the condition is applied by :func:`_scoped`)."""
    key, report = str(entry["path"]), _report(entry)
    condition = next(iter(entry["when"]))

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        if _given(dig(values, key)) != present:
            report(ck, path, key if not present else condition, values)

    return rule


def _at_least_one(entry: dict[str, Any]) -> Rule:
    """At least one item of the list at ``path`` has every key of ``has`` holding its value."""
    key, has, report = str(entry["path"]), dict(entry.get("has", {})), _report(entry)

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        listed = dig(values, key)
        if isinstance(listed, list) and listed and not any(_matches(i, has) for i in listed):
            report(ck, path, key, values)

    return rule


def _party_with_role(entry: dict[str, Any]) -> Rule:
    """At least one party has the role ``role``."""
    return _at_least_one({**entry, "path": "parties", "has": {"roles": entry["role"]}})


def _named_party_has(entry: dict[str, Any]) -> Rule:
    """The party whose id is the value at ``path`` has every key of ``has`` holding its value
    (``{value}`` in the message is that id)."""
    key, has, report = str(entry["path"]), dict(entry["has"]), _report(entry)

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        named = dig(values, key)
        for party in dig(values, "parties") or []:
            if isinstance(party, dict) and party.get("id") == named and not _matches(party, has):
                report(ck, path, key, values, value=named)

    return rule


def _unique(entry: dict[str, Any]) -> Rule:
    """The values at ``path`` (``list[].field``) are all different: the second is reported."""
    key, report = str(entry["path"]), _report(entry)

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        seen: set[str] = set()
        for where, value in items(values, key):
            if value is not None and repr(value) in seen:
                report(ck, path, where, values)
            seen.add(repr(value))

    return rule


def _allowed(entry: dict[str, Any]) -> Rule:
    """The value at ``path`` is one of ``values`` (a blank waits until it is filled in)."""
    key, allowed, report = str(entry["path"]), list(entry["values"]), _report(entry)

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        value = dig(values, key)
        if value is not None and not is_placeholder(value) and value not in allowed:
            report(ck, path, key, values)

    return rule


def _equal(entry: dict[str, Any]) -> Rule:
    """The value at ``path`` equals the value at ``to`` (``{value}`` and ``{other}`` in the
    message), once both are given and neither is a blank."""
    key, other, report = str(entry["path"]), str(entry["to"]), _report(entry)

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        a, b = dig(values, key), dig(values, other)
        if None not in (a, b) and not (is_placeholder(a) or is_placeholder(b)) and a != b:
            report(ck, path, key, values, value=a, other=b)

    return rule


DECLARATIVE: dict[str, Callable[[dict[str, Any]], Rule]] = {
    "date_order": _date_order,
    "sum_to": _sum_to,
    "required_if": _required_if,
    "forbidden_if": lambda entry: _required_if(entry, present=False),
    "at_least_one": _at_least_one,
    "party_with_role": _party_with_role,
    "named_party_has": _named_party_has,
    "unique": _unique,
    "allowed": _allowed,
    "equal": _equal,
}
