"""Where the bank is: a bank is a project of its own, a folder with a ``bank.yaml`` manifest.

Every command finds it the way git finds ``.git``: ``--bank DIR``, else ``$ASSEMBLER_BANK``, else
the nearest folder holding ``bank.yaml`` from the current folder upward, else the house bank that
ships inside this package. Nothing is read from the engine's own checkout.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import AssemblerError, Diagnostic

#: The manifest that marks a folder as a bank.
MANIFEST = "bank.yaml"
#: The house bank, package data of the engine: the default when no bank is found.
HOUSE_BANK = Path(__file__).resolve().parent / "housebank"


@dataclass(frozen=True)
class BankLocation:
    """A bank folder and how it was found (``-v`` says so; the lock records it)."""

    root: Path
    found_by: str

    @property
    def templates(self) -> Path:
        """The outlines, house style and legal forms of the bank."""
        return self.root / "templates"

    @property
    def examples(self) -> Path:
        return self.root / "examples"


def find_bank(explicit: str | Path | None = None, start: Path | None = None) -> BankLocation:
    """The bank to use: ``explicit``, ``$ASSEMBLER_BANK``, upward from ``start``, the house bank."""
    if explicit:
        return _named(Path(explicit), "--bank")
    env = os.environ.get("ASSEMBLER_BANK")
    if env:
        return _named(Path(env), "$ASSEMBLER_BANK")
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST).is_file():
            return BankLocation(folder, f"{MANIFEST} found from {here}")
    return BankLocation(HOUSE_BANK, "the house bank shipped with the engine")


def _named(path: Path, how: str) -> BankLocation:
    """A bank folder the user named: it must hold the manifest."""
    root = path.resolve()
    if not (root / MANIFEST).is_file():
        raise AssemblerError(
            Diagnostic(
                "E-bank-20",
                f"{path} (from {how}) is not a bank: it has no {MANIFEST}",
                str(path),
                hint="`assemble init DIR` writes a new bank; or point --bank at a folder with bank.yaml",
            )
        )
    return BankLocation(root, how)
