"""A pack of deal sheets from one base deal sheet and a CSV: an MoU per GP practice, a variation
per provider. ``assemble pack BASE.yaml ROWS.csv -o DIR`` writes one deal sheet per row, which
``assemble batch DIR -o OUT`` then builds.

Each column of the CSV names a value of the base deal sheet by its dotted path, a list item by its
``id`` (``parties.gp_fed.name``), and each cell replaces that value for its row; an empty cell
keeps the base's value. The value is replaced in the base's text, where the YAML parser says it
stands, so every comment (the ``# src:`` and ``# placeholder`` notes) and the layout survive: a
YAML writer would re-flow the flow mappings and move the comments. Every deal sheet written is a
real file the lock of its document can point at, and is validated as soon as it is written.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .dealsheet import MAX_DEAL_BYTES, load_deal, yaml_nodes
from .errors import AssemblerError, Diagnostic
from .files import read_bounded
from .package import write_atomic

#: A cell written as a YAML number or boolean; anything else is written as a quoted string.
PLAIN = re.compile(r"-?\d+(\.\d+)?|true|false")
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
    shared = _shared(root)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    spans = {
        c: _span(root, c, starts, rows, i + 1, shared)
        for i, c in enumerate(header)
        if c != name_column
    }
    if "deal_id" not in spans:  # every document of the pack gets its own deal id
        spans["deal_id"] = _span(root, "deal_id", starts, base, 1, shared)
    base_id = _node(root, "deal_id")
    names: dict[str, int] = {}  # every name is checked before anything is written
    named = [(_file_name(r[name_column], rows, line, names), line, r) for line, r in records]
    outdir.mkdir(parents=True, exist_ok=True)
    pack = Pack()
    for name, line, record in named:
        values = {c: v for c, v in record.items() if c in spans and v != ""}
        values.setdefault("deal_id", f"{base_id.value if base_id else 'deal'}-{name}")
        target = outdir / f"{name}.yaml"
        header_note = (
            f"# Made by `assemble pack` from {rows.name} (line {line}) over {base.name}.\n"
            "# Edit the row and make the pack again, or edit this file: not both.\n"
        )
        write_atomic(target, (header_note + _replaced(text, spans, values)).encode("utf-8"))
        pack.written.append(target)
        try:
            load_deal(target, vocabulary)
        except AssemblerError as exc:
            pack.problems.extend(exc.diagnostics)
    return pack


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
    reader = csv.reader(text.splitlines(keepends=True))
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
    root: Node, path: str, starts: list[int], where: Path, column: int, shared: set[int]
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
    if not isinstance(node, ScalarNode):
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
            text = text[:start] + _scalar(values[column]) + old[len(old.rstrip()) :] + text[end:]
    return text


def _scalar(value: str) -> str:
    """The cell as YAML: a number or true/false as it is, anything else double-quoted (JSON's
    string syntax is YAML's double-quoted style, so quotes, colons and # stay text)."""
    return value if PLAIN.fullmatch(value) else json.dumps(value, ensure_ascii=False)


def _file_name(value: str, rows: Path, line: int, seen: dict[str, int]) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-").lower()
    if not name or name in seen:
        why = "is empty" if not name else f"is also the name on line {seen.get(name)}"
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
