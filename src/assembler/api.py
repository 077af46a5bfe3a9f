"""The Python API a user imports, re-exported by :mod:`assembler`: build (from a deal sheet's
file or its data, to a file or to bytes), check, lint, vary, batch and export. The command line
only parses arguments, calls these and prints.

A facade over the layers below (:mod:`assembler.pipeline`, :mod:`assembler.variation`,
:mod:`assembler.batches`): it holds no logic of its own, so each name is documented where it is
defined. Bad input raises :class:`AssemblerError`, whose ``diagnostics`` are located findings.
"""

from assembler.batches.run import Outcome as Outcome
from assembler.batches.run import bank_check as bank_check
from assembler.batches.run import batch as batch
from assembler.core.errors import AssemblerError as AssemblerError
from assembler.core.errors import Diagnostic as Diagnostic
from assembler.pipeline.build import BuildResult as BuildResult
from assembler.pipeline.build import build as build
from assembler.pipeline.build import build_bytes as build_bytes
from assembler.pipeline.check import CheckResult as CheckResult
from assembler.pipeline.check import LintResult as LintResult
from assembler.pipeline.check import check as check
from assembler.pipeline.check import lint as lint
from assembler.pipeline.exports import EXPORT_FORMATS as EXPORT_FORMATS
from assembler.pipeline.exports import export as export
from assembler.pipeline.stages import Assembled as Assembled
from assembler.pipeline.stages import DealSource as DealSource
from assembler.pipeline.stages import assemble as assemble
from assembler.pipeline.stages import plan_deal as plan_deal
from assembler.pipeline.stages import plan_of as plan_of
from assembler.pipeline.stages import rebuild as rebuild
from assembler.pipeline.stages import trial as trial
from assembler.pipeline.starter import convert_fragment as convert_fragment
from assembler.pipeline.starter import deal_schema as deal_schema
from assembler.pipeline.starter import new_deal as new_deal
from assembler.pipeline.workspace import Workspace as Workspace
from assembler.pipeline.workspace import default_dir as default_dir
from assembler.pipeline.workspace import open_bank as open_bank
from assembler.variation.vary import VaryResult as VaryResult
from assembler.variation.vary import vary as vary
