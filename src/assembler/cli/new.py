"""``assemble new``, ``assemble init`` and ``assemble fragment``: the files a person starts from."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assembler import api
from assembler.bank.project import MANIFEST, init_bank
from assembler.cli.options import bank_option, templates_option
from assembler.cli.output import console, say


@click.command("new")
@click.argument("document_type")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default: DOCUMENT_TYPE.yaml; an existing file is never overwritten).",
)
@bank_option
@templates_option
def new(
    document_type: str, output: Path | None, bank_dir: Path | None, templates: Path | None
) -> None:
    """Write a commented starter deal sheet for DOCUMENT_TYPE: every option it offers, the allowed
    values, and the criteria each serves."""
    target, schema = api.new_deal(document_type, output, bank=bank_dir, templates=templates)
    say(f"wrote {target} and {schema.name} (its schema, for an editor's checks as you type)")
    say(f"fill {target.name} in, then see what is missing with")
    say(f"  assemble check {target} --draft")
    say(f"  assemble build {target} --draft -o out/{target.stem}.docx")


@click.command("schema")
@click.argument("document_type")
@bank_option
def schema(document_type: str, bank_dir: Path | None) -> None:
    """Print DOCUMENT_TYPE's deal-sheet schema as one self-contained JSON Schema (2020-12), for an
    editor or any JSON Schema validator: `assemble schema alliance_agreement > deal.schema.json`."""
    click.echo(
        json.dumps(api.deal_schema(document_type, bank=bank_dir), indent=2, ensure_ascii=False)
    )


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Start a bank of your own in FOLDER, from the house bank: clauses, outlines, house style,
    legal forms, an example per document type, a README, a CI workflow and a .gitignore."""
    init_bank(folder)
    say(f"wrote a new bank in {folder} ({MANIFEST} marks it)")
    say(f"next: cd {folder} && assemble bank check")


@click.command()
@click.argument("draft", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The fragment to write (default: DRAFT with .docx).",
)
@templates_option
def fragment(draft: Path, output: Path | None, templates: Path | None) -> None:
    """Turn a plain-text clause DRAFT into a Word fragment in the house styles, or a .docx
    fragment back into draft text (to revise a clause as text).

    One paragraph per line; "1.1 ", "(a) ", "(i) ", "> ", "* ", "# " and "## " at the start of a line
    pick the style. See docs/authoring.md.
    """
    target = api.convert_fragment(draft, output, templates=templates)
    console().print(f"wrote {target}")
