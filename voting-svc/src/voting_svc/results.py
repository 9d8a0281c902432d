"""The close and the results.

Close (coordinator): no online ballot and no new paper card afterwards; announced as `voting.closed`.

Results (coordinator, after the close, once every paper card is settled and the tally has read the vote log
up to its end): each area's winners computed from the counted ballots with the edition's frozen rule,
published once as a hashed JSON document with the Merkle root over every receipt, and announced as
`results.published`. The draw seed is revealed here: its SHA-256 must equal the one frozen in the rules
before voting, so the tie-breaking draw could not have been chosen after seeing the votes.

The anonymised Pabulib export of every counted ballot (`counting.edition.export_zip`) recomputes to a
byte-identical document.
"""

from __future__ import annotations

import hashlib
import io
import time
import uuid
from datetime import UTC

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from glos_chassis import spreadsheet
from glos_chassis.canonical import sha256_hex
from glos_chassis.errors import Problem
from glos_chassis.events import new_event
from glos_chassis.kafka_io import connection
from glos_chassis.outbox import add_to_outbox

from . import paper, tally, voting
from .counting import Ballot
from .counting.edition import export_zip, results_document
from .models import (AuditEntry, BallotRecord, BallotView, EditionClosure, EditionView, ResultsDocument, Vote,
                     VotingExtensionView, outbox)
from .receipts import MerkleTree


def close(session: Session, ballot: BallotView, *, actor: str, reason: str,
          confirm_unfinished_cards: bool = False) -> EditionClosure:
    """Voting ends at `closed_at`, exactly: every claim committed before the close has an earlier cast time
    (the lock waits for claims being written, and holds new ones until the close is committed), and every
    claim after it sees the closure and is refused — so no receipt is handed out for a late ballot.

    Paper cards not yet keyed twice (or with a mismatch to decide) may still be finished after the close — their
    cast time is when the card was handed out — but the results wait for them, so a close with such cards asks
    first (`confirm_unfinished_cards`)."""
    closure = session.get(EditionClosure, ballot.edition_id, with_for_update=True)
    if closure is not None:
        raise Problem(409, "Głosowanie w tej edycji jest już zamknięte.", "Voting in this edition is already closed.",
                      type_="https://glos.pl/problems/voting-closed")
    unfinished = paper.unresolved_count(session, ballot.edition_id)
    if unfinished and not confirm_unfinished_cards:
        raise Problem(409, f"Nierozstrzygnięte karty papierowe: {unfinished}. Wyników nie da się ogłosić, dopóki "
                           "każda nie zostanie wprowadzona dwukrotnie lub rozstrzygnięta; potwierdź zamknięcie.",
                      f"Unfinished paper cards: {unfinished}. Results cannot be published until each is keyed twice "
                      "or decided; confirm the close.", type_="https://glos.pl/problems/paper-cards-unfinished")
    session.execute(text("LOCK TABLE vote_claims IN SHARE MODE"))
    closure = EditionClosure(edition_id=ballot.edition_id, closed_by=actor, closed_at=func.clock_timestamp())
    session.add(closure)
    session.flush()
    session.refresh(closure)
    session.add(AuditEntry(actor=actor, action="edition.voting_closed", target=str(ballot.edition_id), reason=reason,
                           details={"unfinished_paper_cards": unfinished} if unfinished else {}))
    add_to_outbox(session, outbox, "voting.events", new_event(
        "voting.closed", str(ballot.edition_id), source="voting-svc",
        data={"edition_id": str(ballot.edition_id), "closed_at": closure.closed_at.isoformat()}))
    return closure


def tally_caught_up(bootstrap_servers: str, wait_s: float = 10.0) -> bool:
    """Whether the tally's consumer group has committed offsets up to the vote log's end as it is now
    (after the close nothing is added for this edition, so that end covers every ballot of it)."""
    reader = KafkaConsumer(**connection(bootstrap_servers), enable_auto_commit=False, group_id=None)
    admin = KafkaAdminClient(**connection(bootstrap_servers))
    try:
        partitions = [TopicPartition(voting.VOTE_LOG, p) for p in reader.partitions_for_topic(voting.VOTE_LOG)]
        end = reader.end_offsets(partitions)
        deadline = time.monotonic() + wait_s
        while True:
            committed = admin.list_group_offsets({tally.GROUP_ID: partitions})[tally.GROUP_ID]
            if all(end[tp] == 0 or (committed.get(tp) is not None and committed[tp].offset >= end[tp]) for tp in partitions):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
    finally:
        reader.close()
        admin.close()


def _counted_ballots(session: Session, edition_id) -> list[list[dict]]:
    return list(session.scalars(select(Vote.parts).where(Vote.edition_id == edition_id, Vote.status == "counted")))


def compute(session: Session, ballot: BallotView, seed: str) -> dict:
    per_area: dict[str, list[Ballot]] = {}
    voters: list[dict[str, set]] = []
    for parts in _counted_ballots(session, ballot.edition_id):
        for part in parts:
            per_area.setdefault(part["area_id"], []).append(
                Ballot.of({c["project_id"]: c["points"] for c in part["choices"]}))
        if parts:  # as in the export, where a voter is a row of an area's file
            voters.append({part["area_id"]: {c["project_id"] for c in part["choices"]} for part in parts})
    return results_document(str(ballot.edition_id), ballot.rules, ballot.rules_sha256, ballot.areas, per_area, seed,
                            voters=voters, voting_extensions=_extensions(session, ballot.edition_id))


def _extensions(session: Session, edition_id) -> list[dict]:
    """As the results document and the export carry them: in order, dates in UTC ISO 8601."""
    rows = session.scalars(select(VotingExtensionView).where(VotingExtensionView.edition_id == edition_id)
                           .order_by(VotingExtensionView.ends_at))
    return [{"previous_ends_at": r.previous_ends_at.astimezone(UTC).isoformat(),
             "ends_at": r.ends_at.astimezone(UTC).isoformat(), "reason": r.reason} for r in rows]


def publish(session: Session, ballot: BallotView, *, seed: str, actor: str, bootstrap_servers: str) -> ResultsDocument:
    if hashlib.sha256(seed.encode()).hexdigest() != ballot.rules["selection"]["draw_seed_sha256"]:
        raise Problem(422, "To nie jest ziarno losowania, którego skrót opublikowano przed głosowaniem.",
                      "This is not the draw seed whose hash was published before the vote.",
                      errors=[{"location": "json", "field": "seed", "message": "Skrót się nie zgadza.",
                               "message_en": "The hash does not match."}])
    if session.get(ResultsDocument, ballot.edition_id, with_for_update=True) is not None:
        raise Problem(409, "Wyniki tej edycji już opublikowano.", "This edition's results are already published.")
    if session.get(EditionClosure, ballot.edition_id) is None:
        raise Problem(409, "Najpierw zamknij głosowanie.", "Close the voting first.",
                      type_="https://glos.pl/problems/voting-open")
    unsettled = paper.unresolved_count(session, ballot.edition_id)
    if unsettled:
        raise Problem(409, f"{unsettled} kart(y) papierowych czeka na wprowadzenie lub rozstrzygnięcie.",
                      f"{unsettled} paper card(s) still await keying or a decision.",
                      type_="https://glos.pl/problems/paper-cards-pending")
    if not tally_caught_up(bootstrap_servers):
        raise Problem(409, "Liczenie jeszcze nie nadążyło za dziennikiem głosów; spróbuj za chwilę.",
                      "The tally has not yet caught up with the vote log; try again shortly.",
                      headers={"Retry-After": "5"}, type_="https://glos.pl/problems/tally-catching-up")
    document = compute(session, ballot, seed)
    receipts = MerkleTree(session.scalars(update(BallotRecord).where(BallotRecord.edition_id == ballot.edition_id)
                                          .values(under_root=True).returning(BallotRecord.receipt)))
    result = ResultsDocument(edition_id=ballot.edition_id, document=document, sha256=sha256_hex(document),
                             receipts_count=len(receipts.receipts), receipts_root=receipts.root, published_by=actor)
    session.add(result)
    session.add(AuditEntry(actor=actor, action="edition.results_published", target=str(ballot.edition_id),
                           reason="results", details={"sha256": result.sha256, "receipts_root": receipts.root}))
    session.flush()
    add_to_outbox(session, outbox, "voting.events", new_event(
        "results.published", str(ballot.edition_id), source="voting-svc",
        data={"edition_id": str(ballot.edition_id), "sha256": result.sha256, "receipts_root": receipts.root,
              "receipts_count": len(receipts.receipts),
              "winners": [{"area_id": a["area_id"], "selected": a["selected"]} for a in document["areas"]]}))
    return result


_trees: dict[uuid.UUID, MerkleTree] = {}  # published results never change: one tree per edition per process


def receipt_proof(session: Session, result: ResultsDocument, receipt: str) -> dict:
    tree = _trees.get(result.edition_id)
    if tree is None:
        tree = MerkleTree(session.scalars(select(BallotRecord.receipt).where(
            BallotRecord.edition_id == result.edition_id, BallotRecord.under_root)))
        _trees[result.edition_id] = tree
    proof = tree.proof(receipt)
    record = session.get(BallotRecord, receipt)
    if proof is None or record is None:
        raise Problem(404, "Nie ma takiego potwierdzenia wśród opublikowanych.", "No such receipt among the published.")
    return {**proof, "status": record.status}


def export(session: Session, ballot: BallotView) -> bytes:
    edition = session.get(EditionView, ballot.edition_id)
    return export_zip(voting_extensions=_extensions(session, ballot.edition_id),
                      edition={"edition_id": str(ballot.edition_id), "name": edition.name, "city": edition.city,
                               "year": edition.year},
                      rules=ballot.rules, rules_sha256=ballot.rules_sha256, areas=ballot.areas,
                      voters=_counted_ballots(session, ballot.edition_id))


def as_csv(document: dict) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out, delimiter=";", lineterminator="\n")  # area names are typed by officials
    writer.writerow(["area", "project_id", "cost", "score", "supporters", "selected", "reason", "explanation",
                     "area_voters", "area_voters_with_a_winner", "area_spent_per_voter_gr"])
    for area in document["areas"]:
        fairness = area.get("fairness", {})
        for project_id, project in area["projects"].items():
            writer.writerow([area["name"], project_id, project["cost"], project["score"], project.get("supporters", ""),
                             int(project["selected"]), project.get("reason", ""),
                             project.get("explanation", {}).get("pl", ""), area.get("voters", ""),
                             fairness.get("voters_with_a_winner", ""), fairness.get("spent_per_voter_gr", "")])
    return out.getvalue()
