"""Keeping a clause bank: list, show, diff, new, bump, approve, retire and the whole-bank check.

Every change to a clause is a new version file plus a line in its clause.yaml; an approved version
is never edited in place (its content hash is recorded, and ``check`` and every build enforce it).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeAlias

from jinja2 import TemplateSyntaxError, nodes
from ruamel.yaml import YAML

from assembler.bank.clausebank import Clause, ClauseBank, ClauseVersion
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.extras import pypandoc
from assembler.core.schema import Map
from assembler.oxml.body import cells_of, is_paragraph, is_row, is_table, parse_blocks
from assembler.oxml.styles import Style
from assembler.oxml.text import style_of, text_of

LEVEL_MARKS: dict[str, str] = {Style.CLAUSE_2: "1.1", Style.CLAUSE_3: "(a)", Style.CLAUSE_4: "(i)", Style.SCHEDULE_CLAUSE_1: "#",
               Style.SCHEDULE_PART: "##", Style.LIST_BULLET: "*", Style.BODY_TEXT_2: ">"}  # fmt: skip


def select(
    bank: ClauseBank,
    criterion: str | None = None,
    status: str | None = None,
    document_type: str | None = None,
) -> list[Clause]:
    """The clauses ``bank list`` shows, by id: those meeting a criterion (a top-level one meets
    its sub-criteria too), with a version in a status, for a document type."""
    return [
        clause
        for clause in sorted(bank.clauses.values(), key=lambda c: c.id)
        if (not criterion or any(c.split(".")[0] == criterion for c in clause.criteria))
        and (not status or any(v.status == status for v in clause.versions))
        and (not document_type or document_type in clause.document_types)
    ]


def clause_record(clause: Clause) -> dict[str, Any]:
    """A clause and the record of each version, as ``bank list`` and ``bank show`` print it."""
    return {
        "id": clause.id,
        "title": clause.title,
        "document_types": clause.document_types,
        "criteria": clause.criteria,
        "versions": [
            {**v.record, "status": v.status, "withdrawn_on": v.withdrawn_on}
            for v in clause.versions
        ],
    }


def parse_ref(text: str) -> tuple[str, str | None]:
    """``"scope@1.2.0"`` -> ("scope", "1.2.0"); ``"scope"`` -> ("scope", None)."""
    clause, _, version = text.partition("@")
    return clause, version or None


def find_version(bank: ClauseBank, ref: str) -> tuple[Clause, ClauseVersion]:
    """The named version, or the newest one when no version is given."""
    clause_id, wanted = parse_ref(ref)
    clause = bank.clause(clause_id)
    if wanted is None:
        return clause, max(clause.versions, key=lambda v: v.key)
    for version in clause.versions:
        if version.version == wanted:
            return clause, version
    raise AssemblerError(
        Diagnostic("E-bank-05", f"clause {clause_id} has no version {wanted}",
                   hint="versions: " + ", ".join(v.version for v in clause.versions))
    )  # fmt: skip


def plain_text(bank: ClauseBank, version: ClauseVersion) -> list[str]:
    """The fragment as readable lines: a level mark, then the paragraph's text (tags included)."""
    fragment, _ = bank.fragment(version)
    lines = []
    for piece in fragment.source.splitlines():
        if not piece.startswith("<"):
            lines.append(piece)
            continue
        block = parse_blocks(JINJA_TAG.sub(_escaped, piece))[0]
        if is_table(block):
            lines.extend(_table_lines(block))
            continue
        mark = LEVEL_MARKS.get(style_of(block) or "", "")
        lines.append(f"{mark} {_readable(text_of(block))}".strip())
    return lines


#: A footnote as the importer keeps it in a fragment's text (see fragment._inline_footnotes).
FOOTNOTE = re.compile(r"\{% filter footnote %\}(.*?)\{% endfilter %\}")


def _readable(text: str) -> str:
    """Fragment text as a reader sees it: a footnote as ``[footnote: its text]``."""
    return FOOTNOTE.sub(r"[footnote: \1]", text)


def _cell_text(cell: Any) -> str:
    """A cell's paragraphs and the tags between them, `` / `` between each."""
    parts = []
    for child in cell:
        if is_paragraph(child):
            parts.append(text_of(child))
        parts.append((child.tail or "").strip())
    return " / ".join(part for part in parts if part)


def _table_lines(tbl: Any) -> list[str]:
    """A table as one line per row, ``| cell | cell |``, with its row tags where they stand."""
    lines = [tbl.text.strip()] if tbl.text and tbl.text.strip() else []
    for child in tbl:
        if is_row(child):
            cells = (_readable(_cell_text(c)) for c in cells_of(child))
            lines.append("| " + " | ".join(cells) + " |")
        if child.tail and child.tail.strip():
            lines.append(child.tail.strip())
    return lines


#: A Jinja tag in a fragment's source. Its expression may hold "<" or "&" ({{ n if n <= 10 }}),
#: which is fine once rendered but is not XML before it: escape them to read the source as XML.
JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _escaped(tag: re.Match[str]) -> str:
    text = tag.group(0)
    if "<w:" in text or "</w:" in text:  # a tag split across runs: leave the XML alone
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;")


def word_diff(old: list[str], new: list[str]) -> list[str]:
    """A word-level diff, ``[-removed-]{+added+}`` as ``git diff --word-diff=plain`` writes it."""
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(f"  {line}" for line in old[i1:i2])
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        out.extend(
            f"~ {_words(a, b)}"
            for a, b in zip(old[i1 : i1 + paired], new[j1 : j1 + paired], strict=True)
        )
        out.extend(f"- [-{line}-]" for line in old[i1 + paired : i2])
        out.extend(f"+ {{+{line}+}}" for line in new[j1 + paired : j2])
    return out


def _words(old: str, new: str) -> str:
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            parts.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            parts.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(parts)


# -- editing clause.yaml ---------------------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a clause's long definition strings
    yaml.preserve_quotes = True
    return yaml


def _edit_metadata(bank: ClauseBank, clause_id: str, change: Any) -> None:
    path = bank.root / "clauses" / clause_id / "clause.yaml"
    yaml = _yaml()
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    stream = io.StringIO()
    yaml.dump(data, stream)
    path.write_text(stream.getvalue(), encoding="utf-8")


def _version_entry(data: Any, version: str) -> Any:
    for entry in data["versions"]:
        if str(entry["version"]) == version:
            return entry
    raise AssemblerError(Diagnostic("E-bank-05", f"no version {version} in clause.yaml"))


def content_hash(bank: ClauseBank, version: ClauseVersion) -> str:
    return hashlib.sha256(bank.imported(version.path).source.encode("utf-8")).hexdigest()


#: The change note a bump writes: approving is refused until a lawyer replaces it.
CHANGE_PLACEHOLDER = "[describe the change]"


def bump(bank: ClauseBank, clause_id: str, part: str, effective_from: dt.date | None = None) -> str:
    """Copy the newest version to a new draft version; return the new version number."""
    clause = bank.clause(clause_id)
    latest = max(clause.versions, key=lambda v: v.key)
    major, minor, patch = latest.key
    new = {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0"}.get(
        part, f"{major}.{minor}.{patch + 1}"
    )
    shutil.copyfile(latest.path, latest.path.with_name(f"{new}.docx"))

    def add(data: Any) -> None:
        entry = {"version": new, "status": "draft", "change": CHANGE_PLACEHOLDER}
        if effective_from:
            entry["effective_from"] = effective_from.isoformat()
        data["versions"].append(entry)

    _edit_metadata(bank, clause_id, add)
    return new


def approve(
    bank: ClauseBank,
    ref: str,
    by: str,
    on: dt.date,
    effective_from: dt.date | None = None,
    *,
    role: str | None = None,
    change: str | None = None,
) -> ClauseVersion:
    """Mark a draft approved, recording who, when, from when it applies, the change note, the
    content hash, and a hash of that record (so a later hand edit of it is caught)."""
    clause, version = find_version(bank, _exact(ref, "approve"))
    if version.status != "draft":
        raise AssemblerError(
            Diagnostic(
                "E-bank-10", f"{clause.id}@{version.version} is {version.status}, not a draft"
            )
        )
    change = change or version.change
    if not change or re.fullmatch(r"\s*\[.*\]\s*", change):
        raise AssemblerError(
            Diagnostic(
                "E-bank-13",
                f"{clause.id}@{version.version}: the change note is {change!r}, a placeholder",
                str(bank.root / "clauses" / clause.id / "clause.yaml"),
                hint='say what changed and why: --change "..." or edit its change: in clause.yaml',
            )
        )
    fragment = bank.imported(version.path)
    approved = replace(
        version,
        status="approved",
        approved_by=by,
        approved_role=role,
        approved_on=on,
        effective_from=effective_from or version.effective_from or on,
        change=change,
        sha256=hashlib.sha256(fragment.source.encode("utf-8")).hexdigest(),
        imported=tuple(fragment.notes),
    )

    def mark(data: Any) -> None:
        entry = _version_entry(data, version.version)
        record = {k: v for k, v in approved.record.items() if v is not None and k != "version"}
        entry.update(status="approved", **record, record_sha256=approved.record_digest())
        entry.pop("imported", None)
        if fragment.notes:  # once, here: builds of an approved version do not repeat them
            entry["imported"] = list(fragment.notes)

    _edit_metadata(bank, clause.id, mark)
    return approved


def _exact(ref: str, action: str) -> str:
    """``clause@version``: approving or retiring never guesses which version is meant."""
    clause_id, version = parse_ref(ref)
    if version is None:
        raise AssemblerError(
            Diagnostic(
                "E-bank-14",
                f"name the version to {action}: {clause_id}@VERSION",
                hint=f"see the versions with `assemble bank show {clause_id}`",
            )
        )
    return ref


def retire(bank: ClauseBank, ref: str, on: dt.date) -> ClauseVersion:
    """Withdraw CLAUSE@VERSION from ``on``: deals dated from then no longer pick it."""
    clause, version = find_version(bank, _exact(ref, "retire"))

    def mark(data: Any) -> None:
        entry = _version_entry(data, version.version)
        entry.update(status="retired", withdrawn_on=on.isoformat())

    _edit_metadata(bank, clause.id, mark)
    return version


def record_hashes(bank: ClauseBank) -> int:
    """Record the content hash, and the hash of the approval record, of every approved or
    retired version that has none yet (a bank written before records were hashed)."""
    count = 0
    for clause in bank.clauses.values():
        missing = [
            v for v in clause.versions if v.status != "draft" and not (v.sha256 and v.record_sha256)
        ]
        if not missing:
            continue
        sealed = {v.version: replace(v, sha256=v.sha256 or content_hash(bank, v)) for v in missing}

        def mark(data: Any, sealed: dict[str, ClauseVersion] = sealed) -> None:
            for entry in data["versions"]:
                version = sealed.get(str(entry["version"]))
                if version:
                    entry["sha256"] = version.sha256
                    entry["record_sha256"] = version.record_digest()

        _edit_metadata(bank, clause.id, mark)
        count += len(missing)
    return count


def new_clause(
    bank: ClauseBank,
    clause_id: str,
    title: str,
    source: Path,
    document_type: str,
    house_style: Path,
) -> Path:
    """Scaffold ``clauses/<id>/`` with a 0.1.0 draft from a .docx, or a Markdown draft via pandoc."""
    folder = bank.root / "clauses" / clause_id
    if folder.exists():
        raise AssemblerError(
            Diagnostic("E-bank-11", f"clause {clause_id} already exists", str(folder))
        )
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", clause_id):
        raise AssemblerError(
            Diagnostic(
                "E-bank-02",
                f"{clause_id!r} is not a clause id",
                hint="lower-case words joined by hyphens",
            )
        )
    folder.mkdir(parents=True)
    target = folder / "0.1.0.docx"
    try:
        if source.suffix.lower() == ".docx":
            shutil.copyfile(source, target)
        else:
            pypandoc("a Markdown clause draft").convert_file(
                str(source),
                "docx",
                format="markdown-smart",
                outputfile=str(target),
                extra_args=[f"--reference-doc={house_style}"],
            )
        fragment = bank.imported(target)  # refuse now, with a reason, what the engine cannot use
    except BaseException:  # leave no half-made clause behind
        shutil.rmtree(folder)
        raise
    first: dict[str, Any] = {"version": "0.1.0", "status": "draft", "change": "First draft."}
    if fragment.notes:  # what the import changed, recorded once: builds do not repeat it
        first["imported"] = list(fragment.notes)
    metadata = {
        "id": clause_id,
        "title": title,
        "document_types": [document_type],
        "criteria": [],
        "note": "[drafting note: what the lawyer must check, and the sources]",
        "sources": [],
        "versions": [first],
    }
    stream = io.StringIO()
    _yaml().dump(metadata, stream)
    (folder / "clause.yaml").write_text(stream.getvalue(), encoding="utf-8")
    return folder


# -- the whole-bank check --------------------------------------------------------------------------


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
        where = str(version.path)
        try:
            digest = content_hash(bank, version)
        except AssemblerError as exc:
            result.findings.extend(exc.diagnostics)
            continue
        if version.status != "draft" and not version.sha256:
            add(
                Diagnostic(
                    "E-check-01",
                    f"{clause.id}@{version.version}: no sha256 recorded",
                    where,
                    hint="run `assemble bank check --record-hashes` once, then commit",
                )
            )
        elif version.status != "draft" and version.sha256 != digest:
            add(
                Diagnostic(
                    "E-bank-08",
                    f"{clause.id}@{version.version}: {version.status} version edited in place",
                    where,
                    hint="restore it and make the change with `assemble bank bump`",
                )
            )
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
    _check_references(bank, add)
    _check_fragments(bank, schemas, add)
    _check_templates(bank, templates, add)
    examples = sorted((templates.parent / "examples").glob("*.yaml"))
    if not examples:
        add(
            Diagnostic(
                "E-check-08",
                "no example deal sheets found: the gate cannot build anything",
                str(templates.parent / "examples"),
                hint="add one deal sheet per document type to examples/ (see `assemble new`)",
            )
        )
    plain: list[Trial] = [(example, None, None, False) for example in examples]
    others: list[Trial] = []
    for trial, used in zip(plain, run(plain), strict=True):
        if _failed(trial, used, add):
            continue
        example = trial[0]
        for clause_id, chosen in used.items():  # every other usable version of each clause
            for version in bank.clause(clause_id).versions:
                if version.version != chosen and version.status != "retired":
                    draft = version.status == "draft"  # a draft is only ever built as a draft
                    others.append((example, {clause_id: version.version}, None, draft))
        # the example's document type is one every clause it used is written for
        kinds = set.intersection(*(set(bank.clause(c).document_types) for c in used))
        for clause in bank.clauses.values():  # every alternative the example did not choose
            offered = kinds & set(clause.document_types)
            if clause.choice and clause.option and clause.id not in used and offered:
                final = any(v.status == "approved" for v in clause.versions)
                others.append((example, None, {clause.choice: clause.option}, not final))
    for trial, used in zip(others, run(others), strict=True):
        # an example is written for the versions and alternatives it chose: a value that only
        # another alternative reads is not the example's to give (E-miss-01); all else must hold
        _failed(
            trial,
            [d for d in used if d.rule != "E-miss-01"] if isinstance(used, list) else used,
            add,
        )
    result.checked["examples"] = len(examples)
    result.checked["other versions rendered"] = len(others)
    return result


def _failed(trial: Trial, outcome: Any, add: Any) -> bool:
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


def _check_references(bank: ClauseBank, add: Any) -> None:
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


def _check_templates(bank: ClauseBank, templates: Path, add: Any) -> None:
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


def _check_reachable(bank: ClauseBank, reached: set[str], add: Any) -> None:
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


def _check_fragments(bank: ClauseBank, schemas: Mapping[str, Map], add: Any) -> None:
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
            for path in _unknown_names(
                tree, [schemas[t] for t in clause.document_types if t in schemas]
            ):
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


def bank_env(bank: ClauseBank) -> Any:
    from assembler.template.sandbox import make_environment

    return make_environment(bank.vocabulary)
