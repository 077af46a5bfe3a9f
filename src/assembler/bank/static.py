"""What the bank gate finds by reading the bank, without building: each version's Jinja parses,
its cross-references have targets, the deal names it reads are in its types' schemas, and no
clause writes as a literal a name the bank's examples take from the deal sheet."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from ruamel.yaml import YAML

from assembler.bank.clausebank import Clause, ClauseBank, ClauseVersion
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.schema import ListOf, Map, MapOf, OneOf, Spec
from assembler.template.sandbox import ClauseEnvironment, make_environment


def check_fragments(
    bank: ClauseBank, schemas: Mapping[str, Map], add: Callable[[Diagnostic], None]
) -> None:
    """Every version, approved or not, read statically: its Jinja blocks balance (reported as
    clause@version and paragraph), its ref() targets exist, and the deal names it reads are ones
    the schema of its document types defines."""
    env = bank_env(bank)
    labels = _labels(bank)
    for clause in bank.clauses.values():
        for version in clause.versions:
            try:
                fragment = bank.imported(version.path)  # as it is now, edited or not
            except AssemblerError:  # reported by the hash check
                continue
            name, where = f"{clause.id}@{version.version}", str(version.path)
            try:
                tree = env.parse(fragment.source)
            except TemplateSyntaxError as exc:
                line = min(exc.lineno or 1, len(fragment.paragraphs) or 1)
                at = f"paragraph {fragment.paragraphs[line - 1]}" if fragment.paragraphs else ""
                add(
                    Diagnostic(
                        "E-check-09",
                        f"{name}, {at}: {exc.message}",
                        where,
                        hint="close every {% if %} and {% for %} in the same clause",
                    )
                )
                continue
            _check_names(bank, clause, tree, labels, schemas, add, (name, where))


def _check_names(
    bank: ClauseBank,
    clause: Clause,
    tree: nodes.Template,
    labels: dict[str, set[str]],
    schemas: Mapping[str, Map],
    add: Callable[[Diagnostic], None],
    at: tuple[str, str],
) -> None:
    """A parsed version's ref() targets exist, and the deal names it reads are in its types'
    schemas; ``at`` is (clause@version, file) for the findings."""
    name, where = at
    for target in _ref_targets(tree):
        target_id, _, label = target.partition(".")
        if target_id not in bank.clauses or (label and label not in labels[target_id]):
            add(
                Diagnostic(
                    "E-check-10",
                    f"{name} refers to {target}, which no clause of the bank defines",
                    where,
                    hint="clause ids: `assemble bank list`; labels are {{ label('...') }} in the target",
                )
            )
    for path in _unknown_names(tree, [schemas[t] for t in clause.document_types if t in schemas]):
        add(
            Diagnostic(
                "E-check-11",
                f"{name} reads {path}, which the deal sheet of "
                f"{' or '.join(clause.document_types)} does not define",
                where,
                hint="check the spelling against `assemble new TYPE`",
            )
        )


def _labels(bank: ClauseBank) -> dict[str, set[str]]:
    """Clause id -> the labels any of its versions sets with label('...')."""
    found: dict[str, set[str]] = {}
    for clause in bank.clauses.values():
        names = found.setdefault(clause.id, set())
        for version in clause.versions:
            try:
                source = bank.fragment(version)[0].source
            except AssemblerError:
                continue
            names.update(re.findall(r"label\(\s*['\"]([^'\"]+)['\"]", source))
    return found


def _ref_targets(tree: nodes.Node) -> list[str]:
    """The constant targets of every ``ref('x')`` and ``refs(['x', 'y'], 'or')`` call."""
    found = []
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.args):
            continue
        first = call.args[0]
        if call.node.name == "ref":
            targets = [first]
        elif call.node.name == "refs" and isinstance(first, nodes.List | nodes.Tuple):
            targets = first.items
        else:
            continue
        found += [str(t.value) for t in targets if isinstance(t, nodes.Const)]
    return found


def _unknown_names(tree: nodes.Node, schemas: list[Map]) -> list[str]:
    """``deal.a.b`` paths the template reads that none of ``schemas`` (its document types') defines."""
    unknown = []
    for path in dict.fromkeys(_deal_paths(tree)):
        if schemas and not any(_defines(schema, path) for schema in schemas):
            unknown.append("deal." + ".".join(path))
    return unknown


def _deal_paths(node: nodes.Node) -> list[tuple[str, ...]]:
    """Each outermost ``deal.a.b`` attribute chain, as its keys."""
    found = []
    for child in node.iter_child_nodes():
        chain: list[str] = []
        inner = child
        while isinstance(inner, nodes.Getattr):
            chain.insert(0, inner.attr)
            inner = inner.node
        if chain and isinstance(inner, nodes.Name) and inner.name == "deal":
            found.append(tuple(chain))
        else:
            found.extend(_deal_paths(child))
    return found


def _defines(spec: Any, path: tuple[str, ...]) -> bool:
    """Whether a schema has the keys of ``path`` (as far as it is made of mappings)."""
    for key in path:
        fields = getattr(spec, "fields", None)
        if not isinstance(fields, dict):
            return True  # past a list or a free mapping: the schema does not say
        if key not in fields:
            return False
        spec = fields[key].spec
    return True


def bank_env(bank: ClauseBank) -> ClauseEnvironment:
    """The sandbox a build of this bank renders in: the gate parses fragments as a build does."""
    return make_environment(bank.vocabulary)


#: Keys whose value is a name the deal gives (a board, an officer's title, the scheme, a party).
_NAME_KEY = re.compile(r"(^|_)(name|title)$")
_TAGS = re.compile(r"<[^>]+>|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")


def _deal_given_names(data: Any, path: str = "") -> dict[str, str]:
    """Name -> the deal path that gives it: every multi-word value under a ``name``/``title`` key."""
    found: dict[str, str] = {}
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else []
    )
    for key, value in items:
        here = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}".lstrip(".")
        if isinstance(value, str) and isinstance(key, str) and _NAME_KEY.search(key):
            if " " in value.strip() and not value.startswith("["):
                found.setdefault(value.strip(), here)
        else:
            found.update(
                {k: v for k, v in _deal_given_names(value, here).items() if k not in found}
            )
    return found


def check_deal_names(
    bank: ClauseBank, examples: list[Path], add: Callable[[Diagnostic], None]
) -> None:
    """A clause never writes a literal for something the deal names (issue 16): the names the
    bank's examples give (their boards, officers, scheme) must reach a clause through the deal
    sheet, or a deal that names them otherwise gets the bank's name in some clauses and its own
    in others. Read in the newest version of each clause of the example's document type."""
    yaml = YAML(typ="safe")
    for example in examples:
        try:
            data = yaml.load(example.read_text(encoding="utf-8")) or {}
        except Exception:  # noqa: BLE001 - a broken example is reported when it is built
            continue
        if not isinstance(data, dict):
            continue
        names = _deal_given_names({k: v for k, v in data.items() if k != "title"})
        doc_type = data.get("document_type")
        for clause in bank.clauses.values():
            live = [v for v in clause.versions if v.status != "retired"]
            if doc_type not in clause.document_types or not live:
                continue
            newest = max(live, key=lambda v: tuple(int(n) for n in v.version.split(".")))
            for name, path, at in _literal_names(bank, clause, newest, names):
                add(
                    Diagnostic(
                        "W-check-12",
                        f"{clause.id}@{newest.version}, {at}: writes {name!r}, which the deal "
                        f"names ({path} in {example.name})",
                        str(newest.path),
                        hint="read it from the deal sheet (body_named('strategic'), "
                        "officer_named(), deal....name), so a deal that names it otherwise is "
                        "followed everywhere",
                        severity="warning",
                    )
                )


def _literal_names(
    bank: ClauseBank, clause: Clause, version: ClauseVersion, names: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(name, deal path, where) for each deal-given name the version writes as a literal."""
    found = [(n, p, "defined term") for n, p in names.items() if n in clause.defines]
    try:
        fragment = bank.imported(version.path)
    except AssemblerError:  # reported by the hash check
        return found
    for i, line in enumerate(fragment.source.split("\n")):
        text = _TAGS.sub(" ", line)
        for name, path in names.items():
            if name in text:
                number = fragment.paragraphs[i] if i < len(fragment.paragraphs) else i + 1
                found.append((name, path, f"paragraph {number}"))
    return found


def renamed_keys(schemas: Iterable[Spec]) -> dict[str, tuple[str, str]]:
    """Every deprecated old key of the schemas (JSON Schema ``x-renamed``), however deep: old
    name -> (its new name, where the schema declares it, as ``parties[].gain_share_participant``)."""
    found: dict[str, tuple[str, str]] = {}

    def walk(spec: Spec, path: str) -> None:
        if isinstance(spec, Map):
            for key, f in spec.fields.items():
                here = f"{path}.{key}".lstrip(".")
                if f.renamed:
                    found.setdefault(key, (f.renamed, here))
                walk(f.spec, here)
        elif isinstance(spec, ListOf):
            walk(spec.item, path + "[]")
        elif isinstance(spec, MapOf):
            walk(spec.value, path + ".*")
        elif isinstance(spec, OneOf):
            for option in spec.options:
                walk(option, path)

    for schema in schemas:
        walk(schema, "")
    return found


def _key_reads(tree: nodes.Node) -> list[tuple[str, int]]:
    """(key, template line) of each key a template reads by name: ``x.key``, ``x['key']`` and the
    attribute a filter names (``rejectattr('key', ...)``, ``map(attribute='key')``). The object
    is not resolved (a loop variable may be a party), so a key is matched by its name."""
    found: list[tuple[str, int]] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        if isinstance(node, nodes.Getattr):
            found.append((node.attr, node.lineno))
            continue
        if isinstance(node, nodes.Getitem):
            args = [node.arg]
        else:
            assert isinstance(node, nodes.Filter)
            args = [*node.args, *(kw.value for kw in node.kwargs)]
        found += [
            (a.value, node.lineno)
            for a in args
            if isinstance(a, nodes.Const) and isinstance(a.value, str)
        ]
    return found


def check_deprecated_reads(
    bank: ClauseBank,
    versions: Iterable[tuple[Clause, ClauseVersion]],
    schemas: Mapping[str, Map],
    add: Callable[[Diagnostic], None],
) -> None:
    """A version in force that reads a key under its deprecated old name (E-check-13): the
    engine still gives it the value for the versions approved before the rename, but a new
    version must read the new name, or the old one can never be retired."""
    env = bank_env(bank)
    for clause, version in versions:
        old = renamed_keys(schemas[t] for t in clause.document_types if t in schemas)
        try:
            fragment = bank.imported(version.path)
            tree = env.parse(fragment.source)
        except (AssemblerError, TemplateSyntaxError):  # reported by the hash and parse checks
            continue
        for key, line in dict.fromkeys(r for r in _key_reads(tree) if r[0] in old):
            new, declared = old[key]
            number = fragment.paragraphs[line - 1] if line <= len(fragment.paragraphs) else line
            add(
                Diagnostic(
                    "E-check-13",
                    f"{clause.id}@{version.version}, paragraph {number}: reads {key}, the "
                    f"deprecated old name of {new} ({declared})",
                    str(version.path),
                    hint=f"read {new} instead: bump the clause (`assemble bank bump "
                    f"{clause.id}`), rename {key} to {new} in the new version and approve it",
                )
            )
