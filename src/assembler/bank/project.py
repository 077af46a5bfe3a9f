"""Where the bank is: a bank is a project of its own, a folder with a ``bank.yaml`` manifest.

Every command finds it the way git finds ``.git``: ``--bank DIR``, else ``$ASSEMBLER_BANK``, else
the nearest folder holding ``bank.yaml`` from the current folder upward, else the house bank that
ships inside this package. Nothing is read from the engine's own checkout.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from assembler.core.errors import AssemblerError, Diagnostic

#: The manifest that marks a folder as a bank.
MANIFEST = "bank.yaml"
#: The house bank, package data of the engine: the default when no bank is found.
HOUSE_BANK = Path(__file__).resolve().parents[1] / "housebank"
#: What a lock records for the house bank.
HOUSE_BANK_NAME = "(the house bank of the engine)"


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


def bank_path(root: Path, lock_dir: Path) -> str:
    """How a lock names its bank: the house bank by name (its folder moves with each install),
    any other bank relative to the lock, so the pair can move together."""
    if root.resolve() == HOUSE_BANK:
        return HOUSE_BANK_NAME
    return Path(os.path.relpath(root.resolve(), lock_dir.resolve())).as_posix()


def init_bank(target: Path) -> Path:
    """Write a new bank project at ``target`` from the house bank: its clauses, outlines, house
    style, legal forms, an example per document type, a README for the lawyers who keep it, a CI
    workflow running ``assemble bank check`` and a ``.gitignore``. Never into a non-empty folder."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise AssemblerError(
            Diagnostic(
                "E-init-01",
                "the folder exists and is not empty; a new bank needs a folder of its own",
                str(target),
            )
        )
    shutil.copytree(
        HOUSE_BANK, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    return target
