"""What my vote did: from a receipt, after the results — which of the projects on that ballot were selected,
and under the Method of Equal Shares how much of the voter's share went to which winner.

Worked out from the ballot under the receipt and the published results document alone (no identity): the
count is replayed for the voter's area with the published final share along the published MES winners, and
the voter's own share is followed through it (every voter with the same ballot pays the same, so the ballot
decides it).
"""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from .counting import Ballot
from .counting.edition import election_of
from .counting.explain import grosze
from .counting.rules import _Instance, _utility_for, mes_ledger
from .models import BallotRecord, Vote
from .results import _counted_ballots


def effect(session: Session, edition_id: uuid.UUID, ballot_view, document: dict, receipt: str) -> dict:
    record = session.get(BallotRecord, receipt)
    if record is None or record.edition_id != edition_id or not record.under_root:
        raise Problem(404, "Nie ma takiego potwierdzenia wśród opublikowanych.", "No such receipt among the published.")
    vote = session.scalar(select(Vote).where(Vote.receipt == receipt, Vote.edition_id == edition_id))
    if record.status != "counted" or vote is None or vote.status != "counted":
        return {"receipt": receipt, "status": record.status, "areas": []}
    titles = {p["proposal_id"]: p["title"] for a in ballot_view.areas for p in a["projects"]}
    results_by_area = {a["area_id"]: a for a in document["areas"]}
    areas = []
    for part in vote.parts:
        result = results_by_area.get(part["area_id"])
        if result is None:
            continue
        points = {c["project_id"]: c["points"] for c in part["choices"]}
        entry = {"area_id": part["area_id"], "name": result["name"], "rule": result["rule"],
                 "choices": [{"project_id": pid, "title": titles.get(pid, pid), "points": pts,
                              "selected": result["projects"][pid]["selected"]}
                             for pid, pts in sorted(points.items(), key=lambda kv: titles.get(kv[0], kv[0]))]}
        details = result.get("details") or {}
        if result["rule"].startswith("equalshares") and "final_share" in details and points:
            paid = _mes_payments(session, ballot_view, document, part["area_id"], Ballot.of(points).points)
            entry["share_gr"] = 100 * details["final_share"]
            entry["paid"] = [{"project_id": pid, "title": titles.get(pid, pid), "amount_gr": amount}
                             for pid, amount in paid]
            entry["left_gr"] = entry["share_gr"] - sum(amount for _, amount in paid)
        areas.append(entry)
    return {"receipt": receipt, "status": "counted", "areas": areas}


# (edition, area) → per distinct ballot, what one such voter paid to which winner: the published count is final,
# so a process keeps what it replayed
_ledgers: dict[tuple[str, str], dict[tuple, list[tuple[str, int]]]] = {}
_ledgers_lock = threading.Lock()


def _mes_payments(session: Session, ballot_view, document: dict, area_id: str, points: tuple) -> list[tuple[str, int]]:
    key = (str(ballot_view.edition_id), area_id)
    with _ledgers_lock:
        table = _ledgers.get(key)
    if table is None:
        table = _area_ledger(session, ballot_view, document, area_id)
        with _ledgers_lock:
            _ledgers[key] = table
    return table.get(points, [])


def _area_ledger(session: Session, ballot_view, document: dict, area_id: str) -> dict[tuple, list[tuple[str, int]]]:
    """Per distinct ballot of the area: (winner, what one such voter paid for it, in grosze) in MES's order —
    MES's purchases replayed exactly with the published final share along the published winners."""
    area = next(a for a in ballot_view.areas if a["area_id"] == area_id)
    details = next(a for a in document["areas"] if a["area_id"] == area_id)["details"]
    ballots = [Ballot.of({c["project_id"]: c["points"] for c in part["choices"]})
               for parts in _counted_ballots(session, ballot_view.edition_id)
               for part in parts if part["area_id"] == area_id]
    election = election_of(ballot_view.rules, area, ballots, document["draw_seed"])
    inst = _Instance(election, _utility_for(election)[1])
    _, bought = mes_ledger(inst.supporters, inst.group_weights, inst.costs, details["final_share"],
                           details["mes_selected"])
    return {points: [(winner, grosze(bought[winner]["payments"][g])) for winner in details["mes_selected"]
                     if bought[winner]["payments"].get(g)]
            for points, g in inst.group_of.items()}
