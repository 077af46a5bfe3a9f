"""The build: deal sheet -> plan -> render -> package, to a file or to bytes, with its lock and
exports. The stages themselves are in :mod:`assembler.pipeline.stages`; variation and batch
build on both, and :mod:`assembler.api` re-exports them for users."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assembler.bank.project import HOUSE_BANK, MANIFEST
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import all_or_nothing, check_outputs, write_all
from assembler.package import export
from assembler.package.lockfile import dump, lock_path_for
from assembler.pipeline.locked import recorded_unchanged
from assembler.pipeline.stages import (
    DATA_NAME,
    Assembled,
    DealSource,
    Planned,
    RenderedDocument,
    assemble,
    load_source,
    overridden,
    plan_deal,
    plan_document,
    plan_of,
    rebuild,
    render_document,
    trial,
    unique,
)
from assembler.pipeline.workspace import Workspace
from assembler.plan.planner import Plan
from assembler.render.renderer import Rendered
from assembler.render.review import FORMATS

#: What the stages make, with what writes it: one import for a caller that builds.
__all__ = [
    "DATA_NAME",
    "Assembled",
    "BuildResult",
    "DealSource",
    "Planned",
    "RenderedDocument",
    "assemble",
    "build",
    "build_bytes",
    "export_paths",
    "load_source",
    "plan_deal",
    "plan_document",
    "plan_of",
    "rebuild",
    "recorded_unchanged",
    "render_document",
    "trial",
    "unique",
    "write_document",
]


@dataclass
class BuildResult:
    output: Path
    lock: Path
    plan: Plan
    warnings: list[Diagnostic] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    placeholders: int = 0
    exports: list[Path] = field(default_factory=list)
    #: the numbered body, for the review exports (:func:`assembler.package.export.write_review`)
    rendered: Rendered | None = None
    #: what was asked for and could not be made (a PDF without LibreOffice), and why
    not_made: list[Diagnostic] = field(default_factory=list)
    #: the review copies asked for (``formats``): Markdown, HTML
    reviews: list[Path] = field(default_factory=list)


def build(
    deal: DealSource | None,
    output: str | Path,
    *,
    draft: bool = False,
    locked: str | Path | None = None,
    bank: str | Path | None = None,
    templates: str | Path | None = None,
    workspace: Workspace | None = None,
    pin_versions: dict[str, str] | None = None,
    choose: dict[str, str] | None = None,
    toc_pages: bool | None = None,
    pdf: bool = False,
    formats: Sequence[str] = (),
) -> BuildResult:
    """Build one document from a deal sheet (a file, or its data) or from a lock file, exactly as
    it was built, and write it with its lock beside it.

    ``toc_pages`` fills the contents page's page numbers and ``pdf`` writes a PDF beside it,
    both through LibreOffice (:func:`assembler.package.export.finish`; ``not_made`` says what could not
    be made without it). ``toc_pages`` defaults to ``$ASSEMBLER_TOC_PAGES``, else off: the layout
    pass costs about 2 s, and a program building many documents should ask for it. ``formats``
    ("md", "html") writes review copies beside it too. Every output is checked once, before any
    work, and they are written all together or not at all."""
    ws = workspace or Workspace.open(bank, templates)
    output = Path(output)
    outputs = [output, lock_path_for(output), *export_paths(output, pdf, formats)]
    inputs = [Path(p) for p in (deal, locked) if isinstance(p, str | Path)]
    _check_output(outputs, inputs, ws)
    if locked:
        if isinstance(deal, Mapping):
            raise AssemblerError(
                Diagnostic("E-cli-01", "give the deal sheet a lock was built from as a file")
            )
        sheet, made = rebuild(Path(locked), ws, deal, lock_dir=output.parent)
        _check_output(outputs, [*inputs, sheet.path], ws)  # the deal sheet the lock named
    elif deal is None:
        raise AssemblerError(Diagnostic("E-cli-01", "give a deal sheet, or --locked LOCK"))
    else:
        loaded = overridden(load_source(deal, ws), pin_versions, choose)
        made = assemble(loaded, ws, draft=draft, lock_dir=output.parent)
    with all_or_nothing(outputs):
        return _written(made, output, toc_pages=toc_pages, pdf=pdf, formats=formats)


def build_bytes(
    deal: DealSource,
    *,
    draft: bool = False,
    bank: str | Path | None = None,
    templates: str | Path | None = None,
    workspace: Workspace | None = None,
    pin_versions: dict[str, str] | None = None,
    choose: dict[str, str] | None = None,
) -> bytes:
    """The .docx a build would write, as bytes, writing nothing (a web service's answer). Its
    lock travels inside it; the contents page has no page numbers (that needs a file)."""
    ws = workspace or Workspace.open(bank, templates)
    return assemble(overridden(load_source(deal, ws), pin_versions, choose), ws, draft=draft).data


def export_paths(output: Path, pdf: bool, formats: Sequence[str]) -> list[Path]:
    """The exports beside ``output`` that ``pdf`` and ``formats`` ask for."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise AssemblerError(
            Diagnostic(
                "E-cli-01",
                f"no review format {unknown[0]!r}",
                hint="formats: " + ", ".join(FORMATS),
            )
        )
    pdfs = [output.with_suffix(".pdf")] if pdf else []
    return pdfs + [output.with_suffix(FORMATS[fmt]) for fmt in formats]


def _written(
    made: Assembled,
    output: Path,
    *,
    toc_pages: bool | None,
    pdf: bool,
    formats: Sequence[str],
) -> BuildResult:
    """Write the document, its lock and its exports; what was written, and what could not be."""
    pages = bool(export.configured_pages() if toc_pages is None else toc_pages)
    laid_out = (pages or pdf) and export.layout_available()
    made, failed = _laid_out(made, output) if laid_out else (made, [])
    lock_out = write_document(made, output)  # the page numbers are in before the one write
    done = export.finish(output, pages=pages, pdf=pdf, laid_out=laid_out)
    reviews = [export.write_review(made.rendered, made.plan.title, output, f) for f in formats]
    return BuildResult(
        output,
        lock_out,
        made.plan,
        made.warnings,
        made.rendered.missing,
        made.rendered.placeholders,
        done.written,
        made.rendered,
        [*failed, *done.not_made],
        reviews,
    )


def _laid_out(made: Assembled, output: Path) -> tuple[Assembled, list[Diagnostic]]:
    """The document with its contents page numbers from a layout pass, in memory: the .docx and
    its lock are then written together under one folder lock, never rewritten afterwards (a
    concurrent build of the same output could slip in between). A failed pass is a warning."""
    try:
        data = export.paginate(made.data)
    except AssemblerError as exc:
        message = exc.diagnostics[0].message
        return made, [Diagnostic("W-export-02", message, str(output), severity="warning")]
    lock = {
        **made.lock,
        "document": {**made.lock["document"], "sha256": hashlib.sha256(data).hexdigest()},
    }
    return replace(made, data=data, lock=lock), []


def write_document(made: Assembled, output: Path) -> Path:
    """Write the document and its lock beside it, each atomically; return the lock's path."""
    lock_out = lock_path_for(output)
    try:
        write_all({output: made.data, lock_out: dump(made.lock)})
    except OSError as exc:
        raise AssemblerError(
            Diagnostic("E-out-04", f"cannot write the output: {exc.strerror}", str(output))
        ) from None
    return lock_out


def _check_output(outputs: list[Path], inputs: list[Path], ws: Workspace) -> None:
    """Refuse, before any work, a .docx output (or its lock or exports) that is not .docx, is a
    folder, has a file on its path, or would overwrite an input: the deal sheet, a lock, the
    bank's content or the installed package's house bank. A bank project may hold its outputs
    (out/), so only its inputs are protected, not the whole folder."""
    root = ws.bank.root
    protected = [ws.house.path, ws.templates, HOUSE_BANK]
    protected += [root / name for name in (MANIFEST, "clauses", "criteria.yaml", "vocabulary.yaml")]
    check_outputs(outputs, [*inputs, *protected])
    if outputs[0].suffix.lower() != ".docx":
        raise AssemblerError(
            Diagnostic("E-out-03", "the output file name must end in .docx", str(outputs[0]))
        )
