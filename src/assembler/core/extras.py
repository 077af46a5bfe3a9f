"""Optional dependencies: pandoc (pypandoc-binary, 155 MB) is needed only to import a Markdown
clause draft and to export Markdown or HTML, so it is the ``pandoc`` extra, not a requirement."""

from __future__ import annotations

from types import ModuleType

from assembler.core.errors import AssemblerError, Diagnostic


def pypandoc(purpose: str) -> ModuleType:
    """The pypandoc module, or a located error saying what to install for ``purpose``."""
    try:
        import pypandoc as module
    except ImportError:
        raise AssemblerError(
            Diagnostic(
                "E-dep-01",
                f"{purpose} needs pandoc, an optional part of the engine that is not installed",
                hint='pip install "assembler[pandoc]"',
            )
        ) from None
    return module  # type: ignore[no-any-return]  # pypandoc ships no type hints
