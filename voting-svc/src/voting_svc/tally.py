"""The tally: a consumer group reads the vote log and counts each voter key once per edition.

Runs inside the idempotent consumer's transaction: the vote row (primary key edition + voter key), the
turnout and the project counts are written together, and the offset is committed after. A second ballot
of the same voter key (a retry that slipped past Redis, a replay) finds the vote row taken and counts
nothing: the first ballot counts.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.events import Envelope

from .models import AreaTurnout, ProjectTally, Vote

GROUP_ID = "voting-svc.tally"
TOPICS = ["voting.votes"]


class _VoteCast(Schema):
    class Meta:
        unknown = EXCLUDE

    receipt = fields.String(required=True)
    edition_id = fields.UUID(required=True)
    voter_key = fields.String(required=True)
    channel = fields.String(required=True)
    cast_at = fields.AwareDateTime(required=True)
    parts = fields.List(fields.Dict(), required=True)


def on_vote_cast(session: Session, event: Envelope) -> None:
    vote = _VoteCast().load(event.data)
    counted = session.execute(insert(Vote).values(**vote).on_conflict_do_nothing()
                              .returning(Vote.voter_key)).first()
    if counted is None:
        return
    for part in vote["parts"]:
        session.execute(insert(AreaTurnout).values(edition_id=vote["edition_id"], area_id=part["area_id"],
                                                   channel=vote["channel"], voters=1)
                        .on_conflict_do_update(index_elements=["edition_id", "area_id", "channel"],
                                               set_={"voters": AreaTurnout.voters + 1}))
        for choice in part["choices"]:
            session.execute(insert(ProjectTally).values(edition_id=vote["edition_id"], area_id=part["area_id"],
                                                        project_id=choice["project_id"], points=choice["points"],
                                                        voters=1)
                            .on_conflict_do_update(index_elements=["edition_id", "area_id", "project_id"],
                                                   set_={"points": ProjectTally.points + choice["points"],
                                                         "voters": ProjectTally.voters + 1}))


HANDLERS = {"vote.cast": on_vote_cast}
