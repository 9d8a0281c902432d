"""Conflicts between proposals, resolved by an official before the ballot is published.

Two kinds: proposals an official marks as mutually exclusive (two plans for the same square), and
proposals whose locations lie closer than the edition's distance (Warsaw uses 100 m) — found by a check
over every proposal still in the running. The distance is the haversine great-circle distance, which
at a city's scale is within centimetres of the geodesic.
"""

from __future__ import annotations

import math
import uuid
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import events
from .lifecycle import settings_of
from .models import AuditEntry, Conflict, Edition, Proposal

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
IN_THE_RUNNING = ("submitted", "formally_accepted", "in_review", "qualified", "appealed")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _pair(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    return (a, b) if str(a) < str(b) else (b, a)


def mark_exclusive(session: Session, edition: Edition, a: Proposal, b: Proposal, *, actor: str, reason: str) -> Conflict:
    if a.id == b.id or a.edition_id != edition.id or b.edition_id != edition.id:
        raise Problem(422, "Wskaż dwa różne wnioski tej edycji.", "Name two different proposals of this edition.",
                      type_="https://glos.pl/problems/validation",
                      errors=[{"location": "json", "field": "proposal_ids", "message": "Błędna para.",
                               "message_en": "Wrong pair."}])
    first, second = _pair(a.id, b.id)
    conflict = session.scalar(insert(Conflict).values(edition_id=edition.id, proposal_a=first, proposal_b=second,
                                                      kind="exclusive", status="open")
                              .on_conflict_do_nothing().returning(Conflict))
    if conflict is None:
        raise Problem(409, "Te wnioski już oznaczono jako wykluczające się.", "These proposals are already marked.")
    session.add(AuditEntry(actor=actor, action="conflict.marked", target=str(conflict.id), reason=reason,
                           details={"proposals": [str(first), str(second)]}))
    events.edition_event(session, "conflict.recorded", edition.id, conflict_id=str(conflict.id), kind="exclusive",
                         proposals=[str(first), str(second)])
    return conflict


def check_nearby(session: Session, edition: Edition, *, actor: str) -> list[Conflict]:
    """Record every pair closer than the edition's distance that is not recorded yet; return the new ones."""
    limit = settings_of(edition)["conflict_distance_m"]
    located = session.execute(select(Proposal.id, Proposal.latitude, Proposal.longitude).where(
        Proposal.edition_id == edition.id, Proposal.status.in_(IN_THE_RUNNING), Proposal.latitude.is_not(None),
        Proposal.longitude.is_not(None))).all()
    found = []
    for (id_a, lat_a, lon_a), (id_b, lat_b, lon_b) in combinations(located, 2):
        meters = distance_m(lat_a, lon_a, lat_b, lon_b)
        if meters <= limit:
            first, second = _pair(id_a, id_b)
            conflict = session.scalar(insert(Conflict).values(
                edition_id=edition.id, proposal_a=first, proposal_b=second, kind="nearby",
                distance_m=round(meters, 1), status="open").on_conflict_do_nothing().returning(Conflict))
            if conflict is not None:
                found.append(conflict)
                events.edition_event(session, "conflict.recorded", edition.id, conflict_id=str(conflict.id),
                                     kind="nearby", distance_m=conflict.distance_m, proposals=[str(first), str(second)])
    session.add(AuditEntry(actor=actor, action="conflict.check", target=str(edition.id),
                           reason=f"odległość {limit} m", details={"new": len(found), "located": len(located)}))
    return found


def resolve(session: Session, conflict: Conflict, *, actor: str, resolution: str) -> Conflict:
    if conflict.status != "open":
        raise Problem(409, "Konflikt już rozstrzygnięto.", "The conflict is already resolved.")
    conflict.status, conflict.resolution, conflict.resolved_by = "resolved", resolution, actor
    session.add(AuditEntry(actor=actor, action="conflict.resolved", target=str(conflict.id), reason=resolution,
                           details={}))
    events.edition_event(session, "conflict.resolved", conflict.edition_id, conflict_id=str(conflict.id),
                         resolution=resolution)
    return conflict


def open_conflicts(session: Session, edition_id: uuid.UUID) -> list[Conflict]:
    return list(session.scalars(select(Conflict).where(Conflict.edition_id == edition_id, Conflict.status == "open")
                                .order_by(Conflict.created_at)))
