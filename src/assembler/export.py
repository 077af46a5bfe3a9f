"""Exports for review: PDF through LibreOffice, Markdown or HTML through pandoc."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import AssemblerError, Diagnostic
from .package import write_atomic


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path) -> Path:
    """Convert with LibreOffice headless. It exits 0 even when it fails, so check the file."""
    program = soffice()
    if program is None:
        raise AssemblerError(
            Diagnostic(
                "E-export-01",
                "--pdf needs LibreOffice, and `soffice` is not on PATH",
                hint="install it: apt-get install libreoffice-writer-nogui",
            )
        )
    target = docx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as work:
        profile = Path(work, "profile").as_uri()
        command = [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            work,
            str(docx),
        ]
        subprocess.run(command, capture_output=True, timeout=300, check=False)
        produced = Path(work, docx.stem + ".pdf")
        if not produced.is_file():
            raise AssemblerError(
                Diagnostic("E-export-02", "LibreOffice did not produce a PDF", str(docx))
            )
        write_atomic(target, produced.read_bytes())
    return target


def to_text_format(docx: Path, fmt: str) -> Path:
    """Markdown or HTML for review diffs, through pandoc (bundled by pypandoc-binary)."""
    from .extras import pypandoc as optional_pandoc

    pypandoc = optional_pandoc(f"--format {fmt}")

    target = docx.with_suffix(".md" if fmt == "md" else ".html")
    pandoc_format = "gfm" if fmt == "md" else "html"
    text = pypandoc.convert_file(
        str(docx), pandoc_format, format="docx", extra_args=["--wrap=none"]
    )
    write_atomic(target, text.encode("utf-8"))
    return target
