"""proposals-svc's HTTP endpoints, one module per resource: parse, call one use case, answer.

    editions             /editions, …/settings, …/schedule, …/phase
    areas                …/areas, Pabulib import and export
    voting_rules         …/voting-rules, …/ballot
    conflicts_and_lists  …/conflicts, …/lists
    proposals            …/proposals (drafts, one's own), /proposals/ID, submission, versions
    attachments          /proposals/ID/attachments
    support              /proposals/ID/support
    verification         formal and substantive verification, assignment, appeals
    change_requests      /proposals/ID/change-requests
    initiatives          local initiatives' scoring and terms
    departments          /departments and their queues
    implementations      /implementations

The blueprints (one per URL prefix) and the helpers several modules share are in `common`.
"""

from __future__ import annotations

# each module registers its routes on the blueprints when imported
from . import (areas, attachments, change_requests, conflicts_and_lists, departments, editions,  # noqa: F401
               implementations, initiatives, proposals, support, verification, voting_rules)
from .common import departments_blp, editions_blp, implementations_blp, proposals_blp


def register(api) -> None:
    for blueprint in (editions_blp, proposals_blp, departments_blp, implementations_blp):
        api.register_blueprint(blueprint)
