"""``assemble bank ...``: the clause bank as a package manager for clauses."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from assembler import api
from assembler.bank import ops
from assembler.bank.clausebank import ClauseVersion
from assembler.cli.options import (
    bank_option,
    ignore_option,
    jobs_option,
    json_option,
    known_rules,
    strict_option,
    templates_option,
)
from assembler.cli.output import EXIT_INPUT_ERROR, emit_json, findings_table, progress, say
from assembler.pipeline.workspace import default_dir, open_bank


@click.group()
def bank() -> None:
    """Keep the clause bank: list, show, diff, new, bump, approve, retire, check."""


@bank.command("list")
@bank_option
@click.option(
    "--criterion", help="Only clauses that satisfy this criterion (e.g. flexible_contracts)."
)
@click.option(
    "--status",
    type=click.Choice(["draft", "approved", "retired"]),
    help="Only clauses with a version in this status.",
)
@click.option("--document-type", help="Only clauses for this document type.")
@json_option
def bank_list(
    bank_dir: Path | None,
    criterion: str | None,
    status: str | None,
    document_type: str | None,
    as_json: bool,
) -> None:
    """List the clauses, with their versions and the criteria they satisfy."""
    clause_bank = open_bank(bank_dir)
    chosen = ops.select(clause_bank, criterion, status, document_type)
    if as_json:
        clauses = [ops.clause_record(clause) for clause in chosen]
        emit_json("bank list", True, [], bank=str(clause_bank.root), clauses=clauses)
        return
    table = Table("clause", "title", "versions", "criteria")
    for clause in chosen:
        versions = ", ".join(f"{v.version} {v.status}" for v in clause.versions)
        table.add_row(
            clause.id,
            clause.title,
            versions,
            ", ".join(sorted({c.split(".")[0] for c in clause.criteria})),
        )
    Console(width=160, markup=False).print(table)


@bank.command("show")
@bank_option
@click.argument("clause")
@json_option
def bank_show(bank_dir: Path | None, clause: str, as_json: bool) -> None:
    """Show CLAUSE[@VERSION]: its metadata, the history of its versions and its text (the
    newest version by default)."""
    clause_bank = open_bank(bank_dir)
    found, version = ops.find_version(clause_bank, clause)
    if as_json:
        text = ops.plain_text(clause_bank, version)
        shown = {**ops.clause_record(found), "shown": version.version, "text": text}
        emit_json("bank show", True, [], clause=shown)
        return
    click.echo(f"{found.id}@{version.version} ({version.status}): {found.title}")
    click.echo(f"criteria: {', '.join(found.criteria) or '-'}")
    if found.condition:
        click.echo(f"included when: {found.condition}")
    if found.choice:
        click.echo(f"alternative for choices.{found.choice}: {found.option}")
    click.echo(f"file: {version.path}")
    click.echo("history:")
    for entry in found.versions:
        click.echo("  " + _history_line(entry))
    click.echo("")
    for line in ops.plain_text(clause_bank, version):
        click.echo(line)


def _history_line(version: ClauseVersion) -> str:
    """One version's record: status, who approved it in what role and when, from when, why."""
    parts = [f"{version.version} {version.status}"]
    if version.approved_by:
        role = f" ({version.approved_role})" if version.approved_role else ""
        when = f" on {version.approved_on}" if version.approved_on else ""
        parts.append(f"approved by {version.approved_by}{role}{when}")
    if version.effective_from:
        parts.append(f"in force from {version.effective_from}")
    if version.withdrawn_on:
        parts.append(f"withdrawn on {version.withdrawn_on}")
    if version.change:
        parts.append(version.change)
    return "; ".join(parts)


@bank.command("diff")
@bank_option
@click.argument("old")
@click.argument("new")
def bank_diff(bank_dir: Path | None, old: str, new: str) -> None:
    """Word-level diff of two versions: OLD and NEW are CLAUSE@VERSION."""
    clause_bank = open_bank(bank_dir)
    lines = ops.word_diff(
        ops.plain_text(clause_bank, ops.find_version(clause_bank, old)[1]),
        ops.plain_text(clause_bank, ops.find_version(clause_bank, new)[1]),
    )
    click.echo(f"--- {old}\n+++ {new}")
    for line in lines:
        click.echo(line)


@bank.command("new")
@bank_option
@click.argument("clause")
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A Word fragment (.docx), or a Markdown draft converted with pandoc.",
)
@click.option("--title", required=True, help="The clause heading.")
@click.option("--document-type", default="alliance_agreement", show_default=True)
@templates_option
def bank_new(
    bank_dir: Path | None,
    clause: str,
    source: Path,
    title: str,
    document_type: str,
    templates: Path | None,
) -> None:
    """Scaffold a new CLAUSE with a 0.1.0 draft version."""
    folder = ops.new_clause(
        open_bank(bank_dir),
        clause,
        title,
        source,
        document_type,
        default_dir("templates", templates) / "house-style.docx",
    )
    click.echo(
        f"created {folder}: fill in clause.yaml, then `assemble bank approve {clause}@0.1.0`"
    )


@bank.command("bump")
@bank_option
@click.argument("clause")
@click.option("--major", "part", flag_value="major", help="A change of substance.")
@click.option(
    "--minor", "part", flag_value="minor", default=True, help="A change of wording (default)."
)
@click.option(
    "--effective-from",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day the new wording applies (deals dated earlier keep the old).",
)
def bank_bump(
    bank_dir: Path | None, clause: str, part: str, effective_from: dt.datetime | None
) -> None:
    """Copy the newest version of CLAUSE to a new draft version, to edit in Word."""
    start = effective_from.date() if effective_from else None
    version = ops.bump(open_bank(bank_dir), clause, part, start)
    click.echo(
        f"created draft {clause}@{version}: edit {clause}/{version}.docx, write its change note, "
        f'then `assemble bank approve {clause}@{version} --change "..."`'
    )


def _git_user() -> str | None:
    """``git config user.name``, the approver by default."""
    try:
        found = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return found.stdout.strip() or None


@bank.command("approve")
@bank_option
@click.argument("clause")
@click.option("--by", "approver", help="Who approved it (default: git config user.name).")
@click.option("--role", help='The approver\'s role, e.g. "Head of Legal".')
@click.option("--change", help="The change note (replaces the one in clause.yaml).")
@click.option(
    "--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="Approval date (default: today)."
)
@click.option(
    "--effective-from",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day it applies (default: as bumped, else the approval date).",
)
def bank_approve(
    bank_dir: Path | None,
    clause: str,
    approver: str | None,
    role: str | None,
    change: str | None,
    on: dt.datetime | None,
    effective_from: dt.datetime | None,
) -> None:
    """Approve the draft CLAUSE@VERSION, recording who, in what role, when, from when, the change
    note and its content hash."""
    who = approver or _git_user()
    if not who:
        raise click.UsageError("say who approves it: --by NAME (or set git config user.name)")
    done = ops.approve(
        open_bank(bank_dir),
        clause,
        who,
        on.date() if on else dt.date.today(),
        effective_from.date() if effective_from else None,
        role=role,
        change=change,
    )
    click.echo(f"approved {clause} by {who}, in force from {done.effective_from}")
    for note in done.imported:
        click.echo(f"  import {note} (recorded in clause.yaml)")


@bank.command("retire")
@bank_option
@click.argument("clause")
@click.option(
    "--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="Withdrawal date (default: today)."
)
def bank_retire(bank_dir: Path | None, clause: str, on: dt.datetime | None) -> None:
    """Retire CLAUSE@VERSION: deals dated on or after the withdrawal date no longer pick it."""
    ops.retire(open_bank(bank_dir), clause, on.date() if on else dt.date.today())
    click.echo(f"retired {clause}")


@bank.command("check")
@bank_option
@templates_option
@jobs_option
@json_option
@ignore_option
@strict_option
@click.option(
    "--record-hashes",
    is_flag=True,
    help="First record the hash of every approved version that has none.",
)
def bank_check(
    bank_dir: Path | None,
    templates: Path | None,
    jobs: int | None,
    as_json: bool,
    ignore: tuple[str, ...],
    strict: bool,
    record_hashes: bool,
) -> None:
    """The whole-bank gate a CSU runs in its CI: metadata, hashes, criteria coverage, every
    fragment read statically, outlines, and a final build of every example with every approved
    version and alternative (drafts as draft builds).

    Exit code 1 on an error, or under --warnings-as-errors on any finding.
    """
    known_rules(ignore)
    if record_hashes:
        say(f"recorded {ops.record_hashes(open_bank(bank_dir))} hash(es)")
    clause_bank = open_bank(bank_dir)
    with progress("building examples") as tick:
        result = api.bank_check(clause_bank, templates, jobs=jobs, tick=tick)
    findings = [f for f in result.findings if f.rule not in ignore]
    failed = any(f.severity == "error" for f in findings) or (strict and bool(findings))
    if as_json:
        emit_json(
            "bank check", not failed, findings, bank=str(clause_bank.root), checked=result.checked
        )
    else:
        findings_table(findings)
        counts = ", ".join(f"{n} {what}" for what, n in result.checked.items())
        click.echo(
            f"{'FAILED' if failed else 'ok'}: {clause_bank.root}: checked {counts}; "
            f"{len(findings)} finding(s)"
        )
    if failed:
        sys.exit(EXIT_INPUT_ERROR)
