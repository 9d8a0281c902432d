"""An edition's voting rules: configured by the office, frozen when the ballot is published.

Frozen means: the rules' canonical JSON (keys sorted, no insignificant spaces, UTF-8) is hashed with
SHA-256; the hash and the rules travel in `ballot.published`, and every later change is refused. Anyone
can recompute the hash from the published rules.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.canonical import canonical_json
from glos_chassis.canonical import sha256_hex as rules_hash
from glos_chassis.errors import Problem

from . import events
from .conflicts import open_conflicts
from .models import AuditEntry, Area, Edition, Proposal

# The vocabulary of the voting rules: the schemas below check against it, and GET /editions/rules-vocabulary
# gives it to the clients (the office console builds its forms from it instead of keeping a copy).
BALLOT_TYPES = ["approval", "budget_approval", "cumulative", "ordinal"]
SELECTION_RULES = ["greedy", "greedy-no-skip", "greedy-threshold", "equalshares", "equalshares/add1",
                   "equalshares/add1-comparison"]
TIE_BREAKS = ["fewer_cost", "more_votes", "draw"]
RESIDENCY = ["census", "declaration", "either"]
DISTRICT_CHOICE = ["own", "any"]
PAPER_AND_ONLINE = ["first_counts", "all_invalid"]


def vocabulary() -> dict[str, list[str]]:
    return {"ballot_types": BALLOT_TYPES, "selection_rules": SELECTION_RULES, "tie_breaks": TIE_BREAKS,
            "residency": RESIDENCY, "district_choice": DISTRICT_CHOICE, "paper_and_online": PAPER_AND_ONLINE}


class BallotRuleSchema(Schema):
    """How one area's part of the ballot is filled in."""

    type = fields.String(required=True, validate=validate.OneOf(BALLOT_TYPES))
    min_projects = fields.Integer(load_default=1, strict=True, validate=validate.Range(0, 100))
    max_projects = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))
    max_points = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(1, 1000))
    rank_points = fields.List(fields.Integer(strict=True, validate=validate.Range(1, 100)), load_default=None,
                              allow_none=True)

    @validates_schema
    def consistent(self, data, **kwargs):
        if data["min_projects"] > data["max_projects"]:
            raise ValidationError("Nie może przekraczać max_projects.", "min_projects")
        if data["type"] == "cumulative" and not data.get("max_points"):
            raise ValidationError("Głos punktowy wymaga max_points.", "max_points")
        if data["type"] == "ordinal" and len(data.get("rank_points") or []) != data["max_projects"]:
            raise ValidationError(f"Podaj punkty za każde z {data['max_projects']} miejsc (tyle liczb, ile najwięcej "
                                  f"projektów).", "rank_points")


class SelectionSchema(Schema):
    rule = fields.String(required=True, validate=validate.OneOf(SELECTION_RULES))
    min_score = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(0))
    # a different threshold for one kind of area (Katowice: 200 points city-wide, 50 in a district)
    min_score_by_kind = fields.Dict(keys=fields.String(validate=validate.OneOf(["city", "district"])),
                                    values=fields.Integer(strict=True, validate=validate.Range(0)),
                                    load_default=dict)
    tie_break = fields.List(fields.String(validate=validate.OneOf(TIE_BREAKS)),
                            load_default=lambda: ["draw"], validate=validate.Length(min=1))
    # published before voting closes; the seed itself is revealed after, so anyone can re-run the draw
    draw_seed_sha256 = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9a-f]{64}$", error="Podaj ziarno losowania (wysyłany jest jego skrót SHA-256: 64 znaki 0–9, a–f)."))


class EligibilityRulesSchema(Schema):
    voting_day = fields.Date(required=True)
    min_age = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(0, 120))
    guardian_consent_under = fields.Integer(load_default=None, allow_none=True, strict=True,
                                            validate=validate.Range(0, 120))
    residency = fields.String(required=True, validate=validate.OneOf(RESIDENCY))


class VotingRulesSchema(Schema):
    city = fields.Nested(BallotRuleSchema, required=True)
    district = fields.Nested(BallotRuleSchema, required=True)
    district_choice = fields.String(load_default="own", validate=validate.OneOf(DISTRICT_CHOICE))
    selection = fields.Nested(SelectionSchema, required=True)
    eligibility = fields.Nested(EligibilityRulesSchema, required=True)
    revoting = fields.Boolean(load_default=False)
    live_scores = fields.Boolean(load_default=False)  # per-project numbers public while voting runs
    paper_and_online = fields.String(load_default="first_counts", validate=validate.OneOf(PAPER_AND_ONLINE))
    # an outage of the vote path (voting-svc's ledger) at least this long extends voting by its length, at once
    # and without anyone's decision; absent: the coordinator decides (the console shows the ledger)
    outage_extension_after_minutes = fields.Integer(strict=True, validate=validate.Range(1, 24 * 60))


def _frozen(edition: Edition) -> Problem:
    return Problem(409, f"Zasady głosowania zamrożono {edition.rules_frozen_at:%Y-%m-%d %H:%M} (SHA-256 "
                        f"{edition.rules_sha256[:12]}…); nie można ich już zmienić.",
                   f"The voting rules were frozen at {edition.rules_frozen_at.isoformat()}; they cannot change.",
                   type_="https://glos.pl/problems/rules-frozen",
                   errors=[{"location": "json", "field": "_rules", "message": "Zasady są zamrożone.",
                            "message_en": "The rules are frozen."}])


def _no_vote(edition: Edition) -> None:
    if edition.kind != "participatory_budget":
        raise Problem(409, "Inicjatywy lokalne nie są poddawane głosowaniu.", "Local initiatives are not voted on.",
                      type_="https://glos.pl/problems/wrong-kind")


def set_rules(session: Session, edition: Edition, rules: dict, *, actor: str, reason: str) -> Edition:
    _no_vote(edition)
    session.refresh(edition, with_for_update=True)  # serialises with a concurrent publication
    if edition.rules_frozen_at is not None:
        raise _frozen(edition)
    edition.voting_rules = json.loads(canonical_json(VotingRulesSchema().dump(rules)))
    session.add(AuditEntry(actor=actor, action="edition.rules_set", target=str(edition.id), reason=reason,
                           details={"sha256": rules_hash(edition.voting_rules)}))
    return edition


def publish_ballot(session: Session, edition: Edition, *, actor: str, reason: str) -> Edition:
    """Freeze the rules and announce the ballot: per area, its qualified projects with id, title and cost."""
    _no_vote(edition)
    session.refresh(edition, with_for_update=True)
    if edition.rules_frozen_at is not None:
        raise _frozen(edition)
    if not edition.voting_rules:
        raise Problem(409, "Najpierw ustal zasady głosowania.", "Set the voting rules first.",
                      errors=[{"location": "json", "field": "_rules", "message": "Brak zasad.",
                               "message_en": "No rules."}])
    conflicts = open_conflicts(session, edition.id)
    if conflicts:
        raise Problem(409, f"Najpierw rozstrzygnij konflikty między wnioskami ({len(conflicts)}).",
                      f"Resolve the conflicts between proposals first ({len(conflicts)}).",
                      type_="https://glos.pl/problems/open-conflicts",
                      errors=[{"location": "conflict", "field": str(c.id), "message": c.kind, "message_en": c.kind}
                              for c in conflicts])
    areas = []
    for area in session.scalars(select(Area).where(Area.edition_id == edition.id).order_by(Area.kind, Area.name)):
        projects = session.scalars(select(Proposal).where(Proposal.area_id == area.id, Proposal.status == "qualified")
                                   .order_by(Proposal.external_id, Proposal.id)).all()
        areas.append({"area_id": str(area.id), "name": area.name, "kind": area.kind, "budget": area.budget,
                      "projects": [{"proposal_id": str(p.id), "external_id": p.external_id, "title": p.title,
                                    "cost": p.cost} for p in projects]})
    if not any(a["projects"] for a in areas):
        raise Problem(409, "Na liście nie ma żadnego zakwalifikowanego projektu.", "No qualified project to vote on.")
    edition.rules_sha256 = rules_hash(edition.voting_rules)
    edition.rules_frozen_at = datetime.now(UTC)
    session.add(AuditEntry(actor=actor, action="edition.ballot_published", target=str(edition.id), reason=reason,
                           details={"sha256": edition.rules_sha256}))
    events.ballot_published(session, edition, areas)
    return edition
