"""Ending an alliance as a Commissioner reserved matter: only on a minimum notice, with an exit
plan agreed within it (issue 21; seed 001 ch7, the Template's reserved matters; guidance G18)."""

from __future__ import annotations

from typing import Any

from assembler.checks.rules import deal_rule
from assembler.core.schema import Checker, F, Int
from assembler.doctypes.common import dig

#: ``exit_plan.agreed_within_months``: the exit plan's timetable, run from a notice to end.
EXIT_PLAN_TIMETABLE = F(
    Int(minimum=1),
    hint="months after a notice to end this Agreement by which the exit plan is agreed; "
    "shorter than term.end_notice_months",
)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@deal_rule(
    (
        "E-exit-01",
        "seed 001 ch7 (Template reserved matters); contracting-model.md G18",
        "ending the Alliance as a Commissioner reserved matter needs a minimum notice period "
        "(term.end_notice_months) and an exit plan timetable (exit_plan.agreed_within_months)",
    ),
    (
        "E-exit-02",
        "seed 001 ch7; contracting-model.md G18",
        "the exit plan is agreed within the notice period of a decision to end the Alliance",
    ),
)
def termination_has_notice_and_exit_time(values: dict[str, Any], ck: Checker, path: str) -> None:
    """Commissioners may end a ten-year alliance under a reserved matter, but not overnight: the
    notice the term clause gives (`term.end_notice_months`) applies to their decision too, and the
    exit plan must be agreed within it, or services cannot be handed over in an orderly way."""
    notice, within = (
        dig(values, "term.end_notice_months"),
        dig(values, "exit_plan.agreed_within_months"),
    )
    commissioners = any(
        isinstance(p, dict) and "commissioner" in (p.get("roles") or [])
        for p in values.get("parties") or []
    )
    reserved = "termination_of_alliance" in (dig(values, "governance.reserved_matters") or [])
    if commissioners and reserved:
        for key, value, what in (
            ("term.end_notice_months", notice, "minimum notice period"),
            ("exit_plan.agreed_within_months", within, "exit plan timetable"),
        ):
            if value is None:
                where = "governance.reserved_matters"
                ck.error(
                    "E-exit-01",
                    where,
                    ck.at(where),
                    f"ending the Alliance is a reserved matter with no {what} ({key})",
                    f"give {key}, so the Commissioners cannot end the Alliance without notice",
                )
    if _whole(notice) and _whole(within) and within >= notice:
        where = "exit_plan.agreed_within_months"
        ck.error(
            "E-exit-02",
            where,
            ck.at(where),
            f"the exit plan is due {within} months after a notice to end, but the notice is "
            f"{notice} months",
            "agree the exit plan within the notice period (a shorter agreed_within_months)",
        )
