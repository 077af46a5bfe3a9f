"""The whole-bank gate (``bank check``): hashes, criteria, outlines and every example built with
every version and alternative a deal could choose. What reading the bank alone finds is in
:mod:`assembler.bank.static`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from jinja2 import TemplateSyntaxError, nodes
from ruamel.yaml import YAML

from assembler.bank.clausebank import Clause, ClauseBank, ClauseVersion
from assembler.bank.editing import content_hash
from assembler.bank.static import (
    bank_env,
    check_deal_names,
    check_deprecated_reads,
    check_fragments,
)
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.schema import Map


@dataclass
class CheckResult:
    """Findings of ``bank check``, each a Diagnostic with its rule id."""

    findings: list[Diagnostic] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


#: One example build for ``bank check``: the deal sheet, versions to pin, alternatives to choose,
#: and whether it is a draft build (only for draft wording: everything else is built final).
Trial: TypeAlias = tuple[Path, dict[str, str] | None, dict[str, str] | None, bool]
#: Where a check reports a finding.
Add: TypeAlias = Callable[[Diagnostic], None]


def check_bank(
    bank: ClauseBank,
    templates: Path,
    run: Callable[[list[Trial]], list[Any]],
    schemas: Mapping[str, Map],
) -> CheckResult:
    """Metadata, hashes, criteria coverage, rendering, cross-references and template needs.

    ``run(trials)`` builds each example deal of ``trials`` (a draft, with clause versions pinned
    and alternatives chosen) and gives, for each, ``{clause id: version}`` of the clauses it used
    or the list of diagnostics of why it failed. The caller supplies it (on worker processes),
    so this module does not depend on the build pipeline; and ``schemas``, the deal-sheet schema
    of each document type (the bank's ``types/<type>/schema.yaml``, read by
    :func:`assembler.deal.types.bank_types`, a layer above the bank).
    """
    result = CheckResult()
    add = result.findings.append
    versions = [(c, v) for c in bank.clauses.values() for v in c.versions]
    result.checked = {"clauses": len(bank.clauses), "versions": len(versions)}
    for clause, version in versions:
        try:
            _check_hash(clause, version, content_hash(bank, version), add)
        except AssemblerError as exc:
            result.findings.extend(exc.diagnostics)
    _check_criteria(bank, add)
    _check_references(bank, add)
    check_fragments(bank, schemas, add)
    _check_templates(bank, templates, add)
    examples = sorted((templates.parent / "examples").glob("*.yaml"))
    check_deal_names(bank, examples, add)
    if not examples:
        add(
            Diagnostic(
                "E-check-08",
                "no example deal sheets found: the gate cannot build anything",
                str(templates.parent / "examples"),
                hint="add one deal sheet per document type to examples/ (see `assemble new`)",
            )
        )
    others, used = _build_examples(bank, examples, run, add)
    check_deprecated_reads(bank, _in_force(bank, used), schemas, add)
    result.checked["examples"] = len(examples)
    result.checked["other versions rendered"] = len(others)
    return result


def _check_hash(clause: Clause, version: ClauseVersion, digest: str, add: Add) -> None:
    """An approved or retired version has its content hash recorded, and still matches it."""
    if version.status == "draft":
        return
    if not version.sha256:
        add(
            Diagnostic(
                "E-check-01",
                f"{clause.id}@{version.version}: no sha256 recorded",
                str(version.path),
                hint="run `assemble bank check --record-hashes` once, then commit",
            )
        )
    elif version.sha256 != digest:
        add(
            Diagnostic(
                "E-bank-08",
                f"{clause.id}@{version.version}: {version.status} version edited in place",
                str(version.path),
                hint="restore it and make the change with `assemble bank bump`",
            )
        )


def _check_criteria(bank: ClauseBank, add: Add) -> None:
    """Every criterion a clause names is in the taxonomy, and an approved clause meets each."""
    for clause in bank.clauses.values():
        for criterion in clause.criteria:
            name, _, spec = criterion.partition(".")
            if bank.criteria and (
                name not in bank.criteria or (spec and spec not in bank.criteria[name])
            ):
                add(
                    Diagnostic(
                        "E-check-02",
                        f"{clause.id}: unknown criterion {criterion!r}",
                        str(bank.root / "clauses" / clause.id / "clause.yaml"),
                    )
                )
    covered = {
        c.split(".")[0]
        for cl in bank.clauses.values()
        if any(v.status == "approved" for v in cl.versions)
        for c in cl.criteria
    }
    for criterion in bank.criteria:
        if criterion not in covered:
            add(
                Diagnostic(
                    "E-check-03",
                    f"criterion {criterion} is not satisfied by any approved clause",
                    str(bank.root / "criteria.yaml"),
                )
            )


def _build_examples(
    bank: ClauseBank, examples: list[Path], run: Callable[[list[Trial]], list[Any]], add: Add
) -> tuple[list[Trial], set[tuple[str, str]]]:
    """Build each example as written, then again with each other version of each clause it used
    and each alternative it did not choose; the second round's trials, and the (clause id,
    version) pairs the examples as written used."""
    plain: list[Trial] = [(example, None, None, False) for example in examples]
    others: list[Trial] = []
    in_use: set[tuple[str, str]] = set()
    for trial, used in zip(plain, run(plain), strict=True):
        if not _failed(trial, used, add):
            others += _variants(bank, trial[0], used)
            in_use.update(used.items())
    for trial, used in zip(others, run(others), strict=True):
        # an example is written for the versions and alternatives it chose: a value that only
        # another alternative reads is not the example's to give (E-miss-01); all else must hold
        _failed(
            trial,
            [d for d in used if d.rule != "E-miss-01"] if isinstance(used, list) else used,
            add,
        )
    return others, in_use


def _in_force(bank: ClauseBank, used: set[tuple[str, str]]) -> list[tuple[Clause, ClauseVersion]]:
    """The versions a deal builds with: each clause's newest approved one (and any draft newer,
    which is to replace it), and every version the examples used; each once."""
    found: dict[tuple[str, str], tuple[Clause, ClauseVersion]] = {}
    for clause in bank.clauses.values():
        newest = max((v.key for v in clause.versions if v.status == "approved"), default=())
        for v in clause.versions:
            current = v.key == newest and v.status == "approved"
            if (
                current
                or (v.status == "draft" and v.key > newest)
                or (clause.id, v.version) in used
            ):
                found.setdefault((clause.id, v.version), (clause, v))
    return list(found.values())


def _variants(bank: ClauseBank, example: Path, used: dict[str, str]) -> list[Trial]:
    """The example with each other usable version of a clause it used pinned, and with each
    alternative of its document type that it did not choose."""
    found: list[Trial] = []
    for clause_id, chosen in used.items():
        for version in bank.clause(clause_id).versions:
            if version.version != chosen and version.status != "retired":
                draft = version.status == "draft"  # a draft is only ever built as a draft
                found.append((example, {clause_id: version.version}, None, draft))
    # the example's document type is one every clause it used is written for
    kinds = set.intersection(*(set(bank.clause(c).document_types) for c in used))
    for clause in bank.clauses.values():
        offered = kinds & set(clause.document_types)
        if clause.choice and clause.option and clause.id not in used and offered:
            final = any(v.status == "approved" for v in clause.versions)
            found.append((example, None, {clause.choice: clause.option}, not final))
    return found


def _failed(trial: Trial, outcome: Any, add: Add) -> bool:
    """Report a trial that did not build (its outcome is a list of diagnostics) as E-check-04."""
    if not isinstance(outcome, list):
        return False
    example, pins, choose, draft = trial
    what = f"example {example.name}" + (f" with {pins}" if pins else "")
    what += f" choosing {choose}" if choose else ""
    what += " (draft build)" if draft else ""
    for d in outcome:
        add(
            Diagnostic(
                "E-check-04", f"{what} does not build: {d.rule} {d.message}", d.file, d.line, d.col
            )
        )
    return True


def _check_references(bank: ClauseBank, add: Add) -> None:
    """A ref() to a clause that may be left out (it has a condition, or is one of alternatives)
    must itself sit inside an {% if %}."""
    optional = {c.id for c in bank.clauses.values() if c.condition or c.choice}
    for clause in bank.clauses.values():
        latest = max(clause.versions, key=lambda v: v.key)
        try:
            fragment, _ = bank.fragment(latest)
            tree = bank_env(bank).parse(fragment.source)
        except (AssemblerError, TemplateSyntaxError):  # reported by the hash and render checks
            continue
        for target in _unguarded_refs(tree):
            target_id = target.split(".")[0]
            same_condition = (
                target_id in bank.clauses and bank.clauses[target_id].condition == clause.condition
            )
            if target_id in optional and target_id != clause.id and not same_condition:
                add(
                    Diagnostic(
                        "E-check-05",
                        f"{clause.id}@{latest.version} refers to {target}, which may be "
                        "absent from a document, outside any {% if %}",
                        str(latest.path),
                        hint="put the reference inside an {% if %} that holds when the target is present",
                    )
                )


def _unguarded_refs(tree: nodes.Node, guarded: bool = False) -> list[str]:
    found = []
    for child in tree.iter_child_nodes():
        inside = guarded or isinstance(child, nodes.If | nodes.CondExpr)
        if (
            isinstance(child, nodes.Call)
            and isinstance(child.node, nodes.Name)
            and child.node.name == "ref"
            and child.args
            and isinstance(child.args[0], nodes.Const)
            and not guarded
        ):
            found.append(str(child.args[0].value))
        found.extend(_unguarded_refs(child, inside))
    return found


def _check_templates(bank: ClauseBank, templates: Path, add: Add) -> None:
    """Every clause an outline names exists and has a version that is not retired."""
    yaml = YAML(typ="safe")
    reached: set[str] = set()
    outlines = [*templates.glob("*.yaml"), *bank.root.glob("types/*/outline.yaml")]
    for outline in sorted(outlines):
        data = yaml.load(outline.read_text(encoding="utf-8")) or {}
        if "clauses" not in data:
            continue
        slots = data.get("clauses", []) + data.get("schedules", [])
        reached.update(str(s["choose"]) for s in slots if "choose" in s)
        named = [s["clause"] for s in slots if "clause" in s]
        named += [
            v
            for v in (data.get("recitals"), (data.get("definitions") or {}).get("interpretation"))
            if v
        ]
        reached.update(named)
        for clause_id in named:
            clause = bank.clauses.get(clause_id)
            if clause is None:
                add(
                    Diagnostic(
                        "E-check-06",
                        f"{outline.parent.name}/{outline.name} needs clause {clause_id}, which the bank lacks",
                        str(outline),
                    )
                )
            elif not any(v.status == "approved" for v in clause.versions):
                add(
                    Diagnostic(
                        "E-check-07",
                        f"{outline.parent.name}/{outline.name} needs clause {clause_id}, which has no approved version "
                        f"({', '.join(f'{v.version} {v.status}' for v in clause.versions)})",
                        str(outline),
                        hint=f"approve one: assemble bank approve {clause_id}@VERSION",
                    )
                )
    _check_reachable(bank, reached, add)


def _check_reachable(bank: ClauseBank, reached: set[str], add: Add) -> None:
    """An approved clause that no outline names, and that is no alternative an outline offers,
    never reaches a document: a warning (it may be kept for a deal to pin)."""
    for clause in bank.clauses.values():
        approved = any(v.status == "approved" for v in clause.versions)
        if approved and clause.id not in reached and clause.choice not in reached:
            add(
                Diagnostic(
                    "W-check-01",
                    f"clause {clause.id} is approved but no outline can place it",
                    str(bank.root / "clauses" / clause.id / "clause.yaml"),
                    hint="name it in an outline (types/<document_type>/outline.yaml), or retire it",
                    severity="warning",
                )
            )
