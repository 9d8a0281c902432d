"""Results: after the close, each area's winners computed from the tallied ballots with the edition's frozen
rule, published once as a hashed JSON document and a `results.published` event.

The draw seed is revealed here: its SHA-256 must equal the one frozen in the rules before voting, so the
tie-breaking draw could not have been chosen after seeing the votes.
"""

from __future__ import annotations

import csv
import hashlib
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.canonical import sha256_hex
from glos_chassis.errors import Problem
from glos_chassis.events import new_event
from glos_chassis.outbox import add_to_outbox

from .counting import Ballot, Election, Project, TieBreak, count
from .models import BallotView, ResultsDocument, Vote, outbox

VOTE_TYPES = {"approval": "approval", "budget_approval": "approval", "cumulative": "cumulative",
              "ordinal": "ordinal"}


def compute(session: Session, ballot: BallotView, seed: str) -> dict:
    selection = ballot.rules["selection"]
    tie_break = TieBreak(tuple(selection["tie_break"]), seed)
    per_area: dict[str, list[Ballot]] = {a["area_id"]: [] for a in ballot.areas}
    for parts in session.scalars(select(Vote.parts).where(Vote.edition_id == ballot.edition_id)):
        for part in parts:
            per_area.setdefault(part["area_id"], []).append(
                Ballot.of({c["project_id"]: c["points"] for c in part["choices"]}))
    areas = []
    for area in ballot.areas:
        election = Election(budget=area["budget"],
                            projects={p["proposal_id"]: Project(p["proposal_id"], p["cost"], p["title"])
                                      for p in area["projects"]},
                            ballots=per_area[area["area_id"]],
                            vote_type=VOTE_TYPES[ballot.rules[area["kind"]]["type"]], rule=selection["rule"],
                            min_score=selection.get("min_score"), tie_break=tie_break)
        areas.append({"area_id": area["area_id"], "name": area["name"], "voters": len(election.ballots),
                      **count(election).to_json()})
    return {"edition_id": str(ballot.edition_id), "rules_sha256": ballot.rules_sha256, "draw_seed": seed,
            "areas": areas}


def publish(session: Session, ballot: BallotView, *, seed: str, actor: str) -> ResultsDocument:
    if hashlib.sha256(seed.encode()).hexdigest() != ballot.rules["selection"]["draw_seed_sha256"]:
        raise Problem(422, "To nie jest ziarno losowania, którego skrót opublikowano przed głosowaniem.",
                      "This is not the draw seed whose hash was published before the vote.",
                      errors=[{"location": "json", "field": "seed", "message": "Skrót się nie zgadza.",
                               "message_en": "The hash does not match."}])
    if session.get(ResultsDocument, ballot.edition_id, with_for_update=True) is not None:
        raise Problem(409, "Wyniki tej edycji już opublikowano.", "This edition's results are already published.")
    document = compute(session, ballot, seed)
    result = ResultsDocument(edition_id=ballot.edition_id, document=document, sha256=sha256_hex(document),
                             published_by=actor)
    session.add(result)
    session.flush()
    add_to_outbox(session, outbox, "voting.events", new_event(
        "results.published", str(ballot.edition_id), source="voting-svc",
        data={"edition_id": str(ballot.edition_id), "sha256": result.sha256,
              "winners": [{"area_id": a["area_id"], "selected": a["selected"]} for a in document["areas"]]}))
    return result


def as_csv(document: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["area", "project_id", "cost", "score", "selected", "reason"])
    for area in document["areas"]:
        for project_id, project in area["projects"].items():
            writer.writerow([area["name"], project_id, project["cost"], project["score"],
                             int(project["selected"]), project.get("reason", "")])
    return out.getvalue()
