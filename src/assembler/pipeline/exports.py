"""Exports of a built document: a PDF through LibreOffice, and review copies (Markdown, HTML)
numbered as the document is."""

from __future__ import annotations

from pathlib import Path

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import check_outputs
from assembler.package import export as exporter
from assembler.pipeline.build import BuildResult
from assembler.pipeline.stages import rebuild
from assembler.pipeline.workspace import Workspace
from assembler.render.review import FORMATS

#: What :func:`export` writes: a PDF, or a review copy in one of the review formats.
EXPORT_FORMATS = ("pdf", *FORMATS)


def export(
    document: str | Path | BuildResult, fmt: str, *, workspace: Workspace | None = None
) -> Path:
    """Write ``fmt`` ("pdf", "md" or "html") beside a built document; the path written.

    A PDF is the .docx as it is now (LibreOffice lays it out: ``E-export-01`` without it). A
    review copy is the text the engine generated: from a :class:`BuildResult`, or rebuilt from
    the lock a .docx carries (its deal sheet must be unchanged), so a lawyer's edits are not in
    it."""
    docx = document.output if isinstance(document, BuildResult) else Path(document)
    if fmt not in EXPORT_FORMATS:
        raise AssemblerError(
            Diagnostic(
                "E-cli-01",
                f"no export format {fmt!r}",
                hint="formats: " + ", ".join(EXPORT_FORMATS),
            )
        )
    target = docx.with_suffix(".pdf" if fmt == "pdf" else FORMATS[fmt])
    check_outputs([target], [docx])
    if fmt == "pdf":
        return exporter.to_pdf(docx)
    if isinstance(document, BuildResult) and document.rendered is not None:
        return exporter.write_review(document.rendered, document.plan.title, docx, fmt)
    _, made = rebuild(docx, workspace or Workspace.open())
    return exporter.write_review(made.rendered, made.plan.title, docx, fmt)
