"""The deal-sheet schema of each document type, one module each, built from :mod:`schema`."""

from __future__ import annotations

from assembler.core.schema import Map
from assembler.doctypes.alliance import ALLIANCE_AGREEMENT
from assembler.doctypes.mou import MEMORANDUM_OF_UNDERSTANDING
from assembler.doctypes.som import SERVICE_OPERATIONS_MANUAL
from assembler.doctypes.variation import DEED_OF_VARIATION

SCHEMAS: dict[str, Map] = {
    "alliance_agreement": ALLIANCE_AGREEMENT,
    "service_operations_manual": SERVICE_OPERATIONS_MANUAL,
    "memorandum_of_understanding": MEMORANDUM_OF_UNDERSTANDING,
    "deed_of_variation": DEED_OF_VARIATION,
}
