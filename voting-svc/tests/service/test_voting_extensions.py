"""Voting extended after an outage (issue 26, point 4): proposals-svc's `voting.extended`, handed to voting-svc's
projection handlers as a real envelope, goes into the edition's results document as residents were told it —
once, however often the event is delivered."""

from __future__ import annotations

import uuid

from glos_chassis.db import session_scope
from glos_chassis.testing import deliver, envelope
from voting_svc import handlers, results
from voting_svc.models import BallotView, processed_events


def test_the_results_document_says_voting_was_extended_and_why(svc, published):
    edition, _ = published
    extended = envelope("voting.extended", edition, {
        "edition_id": edition, "previous_ends_at": "2027-05-31T23:59:00+02:00", "ends_at": "2027-06-01T00:30:00+02:00",
        "reason": "awaria rejestru głosów 20:10–20:40", "outage_seconds": 1800}, source="proposals-svc")
    for _ in range(2):  # redelivered: kept once
        deliver(svc.sessions, processed_events, handlers.GROUP_ID, handlers.HANDLERS, extended)
    with session_scope(svc.sessions) as session:
        document = results.compute(session, session.get(BallotView, uuid.UUID(edition)), "seed")
    assert document["voting_extensions"] == [{"previous_ends_at": "2027-05-31T21:59:00+00:00",
                                              "ends_at": "2027-05-31T22:30:00+00:00",
                                              "reason": "awaria rejestru głosów 20:10–20:40"}]
