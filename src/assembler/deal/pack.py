"""A pack of deal sheets from one base deal sheet and a CSV: an MoU per GP practice, a variation
per provider. ``assemble pack BASE.yaml ROWS.csv -o DIR`` writes one deal sheet per row, which
``assemble batch DIR -o OUT`` then builds.

Each column of the CSV names a value of the base deal sheet by its dotted path, a list item by its
``id`` (``parties.gp_fed.name``), and each cell replaces that value for its row. An empty cell is
an error (a forgotten value would otherwise build from the base's placeholder), unless the column
name ends in ``?``: then an empty cell keeps the base's value. A column ending in ``[]`` holds a
list, its items separated by ``;``. Numbers with a leading zero (company numbers) stay text. The value is replaced in the base's text, where the YAML parser says it
stands, so every comment (the ``# src:`` and ``# placeholder`` notes) and the layout survive: a
YAML writer would re-flow the flow mappings and move the comments. Every deal sheet written is a
real file the lock of its document can point at, and is validated as soon as it is written.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import check_outputs, read_bounded, write_all
from assembler.core.yamlio import MAX_DEAL_BYTES, yaml_nodes
from assembler.deal.sheet import load_deal

#: A cell written as a YAML number or boolean; anything else (``01234567``) as a quoted string.
PLAIN = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?|true|false")
#: Column-name endings: blanks keep the base's value; the cell is a ``;``-separated list.
BLANK_KEEPS, LIST = "?", "[]"
#: Longest file name a row may give (file systems allow 255 bytes; leave room for .lock.yaml).
MAX_NAME = 100
#: Rows a pack may have: a CSU's practices or providers, not a data dump.
MAX_ROWS = 10_000


@dataclass
class Pack:
    """What ``pack`` wrote: the deal sheets, and the diagnostics of those that do not validate."""

    written: list[Path] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def make_pack(
    base: Path,
    rows: Path,
    outdir: Path,
    *,
    name_column: str | None = None,
    vocabulary: frozenset[str] = frozenset(),
    forms: dict[str, Any] | None = None,
) -> Pack:
    """Write ``outdir/<name>.yaml`` for every row of ``rows`` over ``base``, then validate each."""
    load_deal(base, vocabulary)  # a base that does not validate is reported at its own lines
    text = read_bounded(base, MAX_DEAL_BYTES, "deal sheet").decode("utf-8-sig")
    root = yaml_nodes(text, str(base))
    header, records = _read_rows(rows)
    name_column = name_column or header[0]
    if name_column not in header:
        raise AssemblerError(
            Diagnostic("E-pack-02", f"no column {name_column!r}", str(rows), 1, hint="--name")
        )
    spans = _spans(root, text, header, name_column, rows, base)
    base_id = _node(root, "deal_id")
    names: dict[str, int] = {}  # every name is checked before anything is written
    named = [(_file_name(r[name_column], rows, line, names), line, r) for line, r in records]
    outdir.mkdir(parents=True, exist_ok=True)
    _refuse_blanks(header, records, rows, name_column)
    targets = [outdir / f"{name}.yaml" for name, _, _ in named]
    check_outputs(targets, [base, rows])
    pack = Pack()
    files = {}
    for target, (name, line, record) in zip(targets, named, strict=True):
        deal_id = f"{base_id.value if base_id else 'deal'}-{name}"
        made_from = f"{rows.name} (line {line}) over {base.name}"
        files[target] = _sheet(text, spans, record, deal_id, made_from)
        pack.problems.extend(_ignored(root, header, record, forms or {}, rows, line))
    pack.problems.extend(_validated(files, vocabulary))
    if any(d.severity == "error" for d in pack.problems):
        raise AssemblerError(pack.problems)
    write_all(files)
    pack.written.extend(targets)
    return pack


def _spans(
    root: Node, text: str, header: list[str], name_column: str, rows: Path, base: Path
) -> dict[str, tuple[int, int]]:
    """Where the value each column but the name column replaces stands in the base's ``text``,
    and the deal id's (every document of the pack gets its own: a column, or made from the row)."""
    shared = _shared(root)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    spans = {
        c: _span(root, _path(c), starts, rows, i + 1, shared, c.endswith(LIST))
        for i, c in enumerate(header)
        if c != name_column
    }
    if "deal_id" not in spans:
        spans["deal_id"] = _span(root, "deal_id", starts, base, 1, shared, False)
    return spans


def _sheet(
    text: str,
    spans: dict[str, tuple[int, int]],
    record: dict[str, str],
    deal_id: str,
    made_from: str,
) -> bytes:
    """The base's ``text`` with a row's values in place (and ``deal_id``, unless the row gives
    one), under a note of what it was ``made_from``."""
    values = {c: v for c, v in record.items() if c in spans and v != ""}
    values.setdefault("deal_id", deal_id)
    note = (
        f"# Made by `assemble pack` from {made_from}.\n"
        "# Edit the row and make the pack again, or edit this file: not both.\n"
    )
    return (note + _replaced(text, spans, values)).encode("utf-8")


def _validated(files: dict[Path, bytes], vocabulary: frozenset[str]) -> list[Diagnostic]:
    """Every deal sheet of the pack checked before any is written: each is validated from a
    private folder, and its diagnostics name the file it will be."""
    found: list[Diagnostic] = []
    with tempfile.TemporaryDirectory() as folder:
        for target, data in files.items():
            trial = Path(folder) / target.name
            trial.write_bytes(data)
            try:
                deal = load_deal(trial, vocabulary)
            except AssemblerError as exc:
                diagnostics = exc.diagnostics
            else:
                diagnostics = [d for d in deal.warnings if d.rule.startswith("W-char")]
            found.extend(replace(d, file=str(target)) for d in diagnostics)
    return found


def _refuse_blanks(
    header: list[str], records: list[tuple[int, dict[str, str]]], rows: Path, name_column: str
) -> None:
    """E-pack-06 for every empty cell of a column that does not end in ``?``."""
    found = [
        Diagnostic(
            "E-pack-06",
            f"column {column!r} is empty on this row",
            str(rows),
            line,
            header.index(column) + 1,
            hint=f"give a value, or name the column {column}{BLANK_KEEPS} to keep the base's",
        )
        for line, record in records
        for column in header
        if record[column] == "" and not column.endswith(BLANK_KEEPS) and column != name_column
    ]
    if found:
        raise AssemblerError(found)


def _ignored(
    root: Node,
    header: list[str],
    record: dict[str, str],
    forms: dict[str, Any],
    rows: Path,
    line: int,
) -> list[Diagnostic]:
    """W-pack-01 for a party value the party's legal form never prints (a registration number
    for a GP partnership): the form's description in legal-forms.yaml says what it uses."""
    used_by = {
        k: set(re.findall(r"p\.(\w+)", str(f.get("description", "")))) for k, f in forms.items()
    }
    form_fields = set().union(*used_by.values()) if used_by else set()
    found = []
    for column in header:
        path = _path(column).split(".")
        if len(path) != 3 or path[0] != "parties" or not record.get(column):
            continue
        kind = _node(root, f"parties.{path[1]}.kind")
        kind_name = kind.value if isinstance(kind, ScalarNode) else None
        if path[2] in form_fields and kind_name in used_by and path[2] not in used_by[kind_name]:
            found.append(
                Diagnostic(
                    "W-pack-01",
                    f"column {column!r}: a {kind_name} party's description does not use "
                    f"{path[2]}; the value is ignored",
                    str(rows),
                    line,
                    header.index(column) + 1,
                    severity="warning",
                )
            )
    return found


def _path(column: str) -> str:
    """The dotted path a column names, without its ``?`` or ``[]`` ending."""
    return column.removesuffix(BLANK_KEEPS).removesuffix(LIST)


def _read_rows(rows: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the rows, each with the line it starts on (for errors)."""
    raw = read_bounded(rows, MAX_DEAL_BYTES * 10, "CSV file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AssemblerError(
            Diagnostic("E-pack-03", "the CSV file is not UTF-8 text", str(rows), line)
        ) from None
    # newline="": only a real line break ends a line, so a form feed in a quoted cell does not
    # shift the line numbers reported
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _records(reader, rows)
    except csv.Error as exc:  # a cell over the csv module's size limit, a stray quote
        raise AssemblerError(
            Diagnostic("E-pack-03", f"not a readable CSV: {exc}", str(rows), reader.line_num)
        ) from None


def _records(reader: Any, rows: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise AssemblerError(Diagnostic("E-pack-03", "the CSV file is empty", str(rows))) from None
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if not all(header) or duplicates:
        raise AssemblerError(
            Diagnostic(
                "E-pack-03",
                "every column needs a name, once: " + (", ".join(duplicates) or "an empty name"),
                str(rows),
                1,
            )
        )
    records: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        if len(records) >= MAX_ROWS:
            raise AssemblerError(
                Diagnostic("E-pack-03", f"more than {MAX_ROWS:,} rows", str(rows), reader.line_num)
            )
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise AssemblerError(
                Diagnostic(
                    "E-pack-03",
                    f"{len(row)} cells where the header has {len(header)}",
                    str(rows),
                    reader.line_num,
                )
            )
        records.append((reader.line_num, dict(zip(header, (c.strip() for c in row), strict=True))))
    return header, records


def _node(root: Node, path: str) -> Node | None:
    """The node at a dotted path; a list item is picked by its ``id``."""
    return _end(_trail(root, path), path)


def _end(trail: list[Node], path: str) -> Node | None:
    """The last node of a trail, if the trail went the whole path."""
    return trail[-1] if len(trail) == len(path.split(".")) + 1 else None


def _trail(root: Node, path: str) -> list[Node]:
    """The nodes from ``root`` down the dotted path, as far as it goes."""
    trail = [root]
    for part in path.split("."):
        node = trail[-1]
        if isinstance(node, MappingNode):
            found = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, SequenceNode):
            found = next((item for item in node.value if _id_of(item) == part), None)
        else:
            found = None
        if found is None:
            break
        trail.append(found)
    return trail


def _shared(root: Node) -> set[int]:
    """The nodes that stand in more than one place (a YAML anchor and its *aliases)."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            stack.extend(child for pair in node.value for child in pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return shared


def _id_of(item: Node) -> str | None:
    found = _node(item, "id") if isinstance(item, MappingNode) else None
    return found.value if isinstance(found, ScalarNode) else None


def _span(
    root: Node,
    path: str,
    starts: list[int],
    where: Path,
    column: int,
    shared: set[int],
    is_list: bool,
) -> tuple[int, int]:
    """Where the scalar value at ``path`` stands in the base's text: (start, end) offsets, from
    ``starts``, the offset at which each line of the text begins."""
    trail = _trail(root, path)
    if any(id(n) in shared for n in trail):  # editing the anchor would change every alias too
        raise AssemblerError(
            Diagnostic(
                "E-pack-05",
                f"column {path!r}: the base gives this value through a YAML alias (*name), "
                "so replacing it would change every other place that uses the same anchor",
                str(where),
                1,
                column,
                hint="write the value out in the base deal sheet instead of using an alias",
            )
        )
    node = _end(trail, path)
    if not isinstance(node, ScalarNode) and not (is_list and isinstance(node, SequenceNode)):
        what = "a list or a mapping, not one value" if node is not None else "no such value"
        raise AssemblerError(
            Diagnostic(
                "E-pack-01",
                f"column {path!r}: the base deal sheet has {what} there",
                str(where),
                1,
                column,
                hint="name a value the base has (a list item by its id: parties.gp_fed.name)",
            )
        )
    # libyaml's columns count characters, as Python's str does
    return (
        starts[node.start_mark.line] + node.start_mark.column,
        starts[node.end_mark.line] + node.end_mark.column,
    )


def _replaced(text: str, spans: dict[str, tuple[int, int]], values: dict[str, str]) -> str:
    for column, (start, end) in sorted(spans.items(), key=lambda kv: -kv[1][0]):
        if column in values:
            # a block scalar (| or >) ends at the start of the next line: keep its line break
            old = text[start:end]
            new = _list(values[column]) if column.endswith(LIST) else _scalar(values[column])
            text = text[:start] + new + old[len(old.rstrip()) :] + text[end:]
    return text


def _scalar(value: str) -> str:
    """The cell as YAML: a number or true/false as it is, anything else double-quoted (JSON's
    string syntax is YAML's double-quoted style, so quotes, colons and # stay text)."""
    return value if PLAIN.fullmatch(value) else json.dumps(value, ensure_ascii=False)


def _list(cell: str) -> str:
    """A ``;``-separated cell as a YAML flow list of its items."""
    return "[" + ", ".join(_scalar(item.strip()) for item in cell.split(";") if item.strip()) + "]"


def _file_name(value: str, rows: Path, line: int, seen: dict[str, int]) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-").lower()
    if not name or name in seen or len(name) > MAX_NAME:
        why = (
            "is empty"
            if not name
            else f"is longer than {MAX_NAME} characters"
            if len(name) > MAX_NAME
            else f"is also the name on line {seen.get(name)}"
        )
        raise AssemblerError(
            Diagnostic(
                "E-pack-04",
                f"the file name from this row {why}",
                str(rows),
                line,
                hint="each row needs its own value in the name column (--name)",
            )
        )
    seen[name] = line
    return name
