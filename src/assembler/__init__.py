"""Assemble integrated health and social care contracting documents from a deal sheet and a clause bank.

The pipeline is deal sheet -> plan -> render -> package; :mod:`assembler.api` is the Python API
(``assembler.build``, ``assembler.check`` ...). Its names are loaded on first use, so that the
command line's ``--help`` and ``--version`` import none of the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assembler.api import AssemblerError as AssemblerError
    from assembler.api import BuildResult as BuildResult
    from assembler.api import CheckResult as CheckResult
    from assembler.api import Diagnostic as Diagnostic
    from assembler.api import LintResult as LintResult
    from assembler.api import Outcome as Outcome
    from assembler.api import VaryResult as VaryResult
    from assembler.api import Workspace as Workspace
    from assembler.api import bank_check as bank_check
    from assembler.api import batch as batch
    from assembler.api import build as build
    from assembler.api import build_bytes as build_bytes
    from assembler.api import check as check
    from assembler.api import convert_fragment as convert_fragment
    from assembler.api import deal_schema as deal_schema
    from assembler.api import export as export
    from assembler.api import lint as lint
    from assembler.api import new_deal as new_deal
    from assembler.api import open_bank as open_bank
    from assembler.api import vary as vary

__version__ = "0.1.0"
__all__ = [
    "AssemblerError",
    "BuildResult",
    "CheckResult",
    "Diagnostic",
    "LintResult",
    "Outcome",
    "VaryResult",
    "Workspace",
    "bank_check",
    "batch",
    "build",
    "build_bytes",
    "check",
    "convert_fragment",
    "deal_schema",
    "export",
    "lint",
    "new_deal",
    "open_bank",
    "vary",
]


def __getattr__(name: str) -> Any:
    """``assembler.build`` and the rest of :data:`__all__`, from :mod:`assembler.api` when first
    asked for (PEP 562)."""
    if name not in __all__:
        raise AttributeError(f"module 'assembler' has no attribute {name!r}")
    from assembler import api

    return getattr(api, name)
