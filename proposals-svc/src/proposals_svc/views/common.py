"""The blueprints (one per URL prefix, each a tag of the OpenAPI document) and what several resources' views
share: finding the parts of a proposal the caller may see or change."""

from __future__ import annotations

import uuid

from flask_smorest import Blueprint

from glos_chassis.auth import current_principal, optional_principal
from glos_chassis.errors import Problem

from .. import lifecycle, service
from ..models import Proposal

editions_blp = Blueprint("editions", __name__, url_prefix="/editions",
                description="Edycje budżetu obywatelskiego i wnioski / PB editions and proposals")
proposals_blp = Blueprint("proposals", __name__, url_prefix="/proposals",
                          description="Wnioski: weryfikacja, uzgodnienia, odwołania / Proposals: verification, "
                                      "changes, appeals")
implementations_blp = Blueprint("implementations", __name__, url_prefix="/implementations",
                                description="Monitorowanie realizacji / Implementation monitoring")
departments_blp = Blueprint("departments", __name__, url_prefix="/departments",
                            description="Komórki merytoryczne / Departments")


def _edition_of(session, proposal: Proposal):
    return service.get_edition(session, proposal.edition_id)


def _part_of(session, model, row_id: uuid.UUID, proposal: Proposal, missing_pl: str, missing_en: str):
    """A row that belongs to the proposal (an appeal, a change request, terms), locked; 404 otherwise."""
    row = session.get(model, row_id, with_for_update=True)
    if row is None or row.proposal_id != proposal.id:
        raise Problem(404, missing_pl, missing_en)
    return row


def _visible_proposal(session, proposal_id: uuid.UUID) -> Proposal:
    """A proposal as the caller may see it: a draft is its author's alone, so for anyone else it does not exist
    (the same 404 as a proposal that does not), and neither do its versions, support or appeals."""
    principal = optional_principal()
    proposal = lifecycle.get_proposal(session, proposal_id)
    if not lifecycle.visible_to(proposal, principal.subject if principal else None):
        raise Problem(404, "Nie ma takiego wniosku.", "No such proposal.")
    return proposal


def _require_author_or_office(proposal: Proposal) -> None:
    principal = current_principal()
    if proposal.author != principal.subject and not ({"pb_official", "coordinator"} & principal.roles):
        raise Problem(403, "Tylko wnioskodawca i urząd.", "The applicant and the office only.",
                      type_="https://glos.pl/problems/forbidden")
