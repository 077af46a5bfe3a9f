"""``assemble rules``: the catalogue of every rule, for people and for tools."""

from __future__ import annotations

import click
from rich.table import Table

from assembler.checks.rules import catalogue, document_types_of
from assembler.cli.options import json_option
from assembler.cli.output import emit_json, stdout


@click.command("rules")
@json_option
def rules_command(as_json: bool) -> None:
    """List every rule: its id, severity, kind, the document types it applies to, and its source."""
    entries = [
        {
            "id": r.id,
            "severity": r.severity,
            "kind": r.kind,
            "document_types": document_types_of(r.id) if r.kind == "deal sheet" else [],
            "source": r.source,
            "summary": r.summary,
        }
        for r in catalogue()
    ]
    if as_json:
        emit_json("rules", True, [], rules=entries)
        return
    table = Table(title="Rules")
    for column in ("id", "severity", "applies to", "source", "what it checks"):
        table.add_column(column, overflow="fold")
    for r in catalogue():
        applies = ", ".join(document_types_of(r.id)) if r.kind == "deal sheet" else r.kind
        table.add_row(r.id, r.severity, applies, r.source, r.summary)
    stdout().print(table)
