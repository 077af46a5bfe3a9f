"""Assemble integrated health and social care contracting documents from a deal sheet and a clause bank.

The pipeline is deal sheet -> plan -> render -> package; :func:`build` runs it end to end.
"""

from assembler.api import BuildResult as BuildResult
from assembler.api import build as build
from assembler.core.errors import AssemblerError as AssemblerError
from assembler.core.errors import Diagnostic as Diagnostic

__version__ = "0.1.0"
