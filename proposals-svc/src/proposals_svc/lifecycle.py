"""A proposal from draft to submission, and the support it gathers.

A resident drafts a proposal (any part may still be missing), edits it while it is a draft, and submits
it while the submission phase is open. Submission checks everything at once and reports every problem by
field, in Polish and English, so the form can show them all. A submitted proposal is version 1; later
versions come only from accepted change requests (see changes.py).
"""

from __future__ import annotations

import uuid

from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import events, phases
from .problems import field_error, forbidden
from .models import Area, Edition, Proposal, ProposalVersion, ResidentView, Support

# The parts of a proposal a resident writes; what a version keeps and a change request may change.
CONTENT_FIELDS = ("title", "description", "justification", "area_id", "category", "location_address", "latitude",
                  "longitude", "cost_items", "beneficiaries", "universal_design", "coauthors", "contribution")


class ChecklistItemSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_]{2,50}$"))
    label = fields.String(required=True, validate=validate.Length(min=3, max=300))
    label_en = fields.String(required=True, validate=validate.Length(min=3, max=300))


class CriterionSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_]{2,50}$"))
    label = fields.String(required=True, validate=validate.Length(min=3, max=300))
    label_en = fields.String(required=True, validate=validate.Length(min=3, max=300))
    max_points = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))


class EditionSettingsSchema(Schema):
    """What the office decides for an edition's proposals. Every field has the common Polish default."""

    class Meta:
        unknown = EXCLUDE

    support_required = fields.Integer(load_default=0, strict=True, validate=validate.Range(0, 10_000))
    resident_levels = fields.List(fields.String(validate=validate.OneOf(["declared", "census", "in_person"])),
                                  load_default=lambda: ["declared", "census", "in_person"],
                                  validate=validate.Length(min=1))
    categories = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list)
    formal_checklist = fields.List(fields.Nested(ChecklistItemSchema), validate=validate.Length(min=1, max=50),
                                   load_default=lambda: [
        {"code": "complete", "label": "Wniosek jest kompletny", "label_en": "The proposal is complete"},
        {"code": "competence", "label": "Zadanie należy do zadań własnych gminy",
         "label_en": "The task is within the city's competence"},
        {"code": "cost_limit", "label": "Koszt mieści się w limicie obszaru", "label_en": "The cost is within the area's limit"},
    ])
    appeal_days = fields.Integer(load_default=7, strict=True, validate=validate.Range(1, 60))
    change_request_days = fields.Integer(load_default=7, strict=True, validate=validate.Range(1, 60))
    conflict_distance_m = fields.Integer(load_default=100, strict=True, validate=validate.Range(0, 10_000))
    # local initiatives: the city's published criteria and the score an application needs
    scoring_criteria = fields.List(fields.Nested(CriterionSchema), load_default=lambda: [
        {"code": "public_benefit", "label": "Pożytek dla mieszkańców", "label_en": "Benefit to residents", "max_points": 10},
        {"code": "own_contribution", "label": "Wkład własny wnioskodawców", "label_en": "The applicants' own contribution",
         "max_points": 10},
        {"code": "durability", "label": "Trwałość efektów", "label_en": "Lasting effects", "max_points": 5}])
    min_score = fields.Integer(load_default=13, strict=True, validate=validate.Range(0, 1000))


def settings_of(edition: Edition) -> dict:
    return EditionSettingsSchema().load(edition.settings or {})


def verified_resident(session: Session, edition: Edition, account_id: str) -> ResidentView:
    resident = session.get(ResidentView, uuid.UUID(account_id))
    if resident is None or resident.level not in settings_of(edition)["resident_levels"]:
        raise forbidden("Wnioski składają i popierają zweryfikowani mieszkańcy: złóż deklarację zamieszkania "
                         "w swoim profilu (po weryfikacji odczekaj chwilę).",
                         "Only verified residents submit and support proposals: declare your residency first "
                         "(allow a moment after the verification).")
    return resident


def get_proposal(session: Session, proposal_id: uuid.UUID, *, for_update: bool = False) -> Proposal:
    proposal = session.get(Proposal, proposal_id, with_for_update=for_update or None)
    if proposal is None:
        raise Problem(404, "Nie ma takiego wniosku.", "No such proposal.")
    return proposal


def visible_to(proposal: Proposal, subject: str | None) -> bool:
    """A draft is its author's alone (the office sees it only once submitted)."""
    return proposal.status != "draft" or proposal.author == subject


def own_draft(session: Session, proposal_id: uuid.UUID, subject: str) -> Proposal:
    proposal = get_proposal(session, proposal_id, for_update=True)
    if proposal.author != subject:
        raise forbidden("Możesz zmieniać tylko własne wnioski.", "You can only change your own proposals.")
    if proposal.status != "draft":
        raise Problem(409, "Wniosek został już złożony; zmiany tylko w drodze uzgodnień z urzędem.",
                      "The proposal was submitted; it changes only through change requests.",
                      type_="https://glos.pl/problems/not-a-draft")
    return proposal


def apply_content(session: Session, proposal: Proposal, content: dict) -> None:
    if "area_id" in content and content["area_id"] is not None:
        area = session.get(Area, content["area_id"])
        if area is None or area.edition_id != proposal.edition_id:
            raise Problem(422, "Nie ma takiego obszaru w tej edycji.", "No such area in this edition.",
                          type_="https://glos.pl/problems/validation",
                          errors=[field_error("area_id", "Nieznany obszar.", "Unknown area.")])
    for name, value in content.items():
        if name == "coauthors":
            value = [str(v) for v in value]
        elif name == "cost_items":
            value = [dict(item) for item in value]
        setattr(proposal, name, value)
    proposal.cost = sum(item["amount"] for item in proposal.cost_items or [])


def create_draft(session: Session, edition: Edition, *, author: str, content: dict) -> Proposal:
    if phases.PHASES.index(edition.current_phase) > phases.PHASES.index("submission"):
        raise Problem(409, "Nabór wniosków w tej edycji się zakończył.", "This edition no longer takes proposals.",
                      type_="https://glos.pl/problems/wrong-phase")
    proposal = Proposal(edition_id=edition.id, author=author, status="draft", cost=0, cost_items=[], coauthors=[])
    apply_content(session, proposal, content)  # before add(): the area lookup must not flush a half-made row
    session.add(proposal)
    session.flush()
    events.edition_event(session, "proposal.drafted", edition.id, proposal_id=str(proposal.id), applicant=author)
    return proposal


def update_draft(session: Session, proposal: Proposal, content: dict) -> Proposal:
    apply_content(session, proposal, content)
    return proposal


def content_of(proposal: Proposal) -> dict:
    content = {name: getattr(proposal, name) for name in CONTENT_FIELDS}
    content["area_id"] = str(proposal.area_id) if proposal.area_id else None
    content["cost"] = proposal.cost
    return content


def completeness_errors(session: Session, edition: Edition, proposal: Proposal) -> list[dict]:
    """Everything that stops a proposal from being submitted (or a change from being accepted)."""
    settings = settings_of(edition)
    errors = []
    for name, minimum, pl in (("title", 3, "Podaj tytuł."), ("description", 50, "Opisz projekt (co najmniej 50 znaków)."),
                              ("justification", 20, "Uzasadnij projekt (co najmniej 20 znaków)."),
                              ("beneficiaries", 3, "Wskaż, komu projekt posłuży."),
                              ("universal_design", 3, "Opisz, jak projekt uwzględnia projektowanie uniwersalne.")):
        if len((getattr(proposal, name) or "").strip()) < minimum:
            errors.append(field_error(name, pl, f"'{name}' is missing or shorter than {minimum} characters."))
    area = session.get(Area, proposal.area_id) if proposal.area_id else None
    if area is None:
        errors.append(field_error("area_id", "Wybierz obszar (ogólnomiejski lub osiedle).", "Choose an area."))
    if not proposal.location_address and (proposal.latitude is None or proposal.longitude is None):
        errors.append(field_error("location_address", "Podaj adres lub współrzędne miejsca realizacji.",
                             "Give an address or the coordinates of the location."))
    if (proposal.latitude is None) != (proposal.longitude is None):
        errors.append(field_error("longitude" if proposal.longitude is None else "latitude",
                             "Podaj obie współrzędne.", "Give both coordinates."))
    if settings["categories"] and proposal.category not in settings["categories"]:
        errors.append(field_error("category", f"Wybierz kategorię: {', '.join(settings['categories'])}.",
                             f"Choose a category: {', '.join(settings['categories'])}."))
    if not proposal.cost_items:
        errors.append(field_error("cost_items", "Rozpisz koszt na pozycje.", "Itemise the cost."))
    elif area is not None:
        limit = min(area.budget, area.max_project_cost or area.budget)
        if proposal.cost > limit:
            errors.append(field_error("cost_items", f"Łączny koszt {proposal.cost:,} zł przekracza limit obszaru "
                                               f"{limit:,} zł.".replace(",", " "),
                                 f"The total cost {proposal.cost} exceeds the area's limit {limit}."))
    if edition.kind == "local_initiative":
        contribution = proposal.contribution or {}
        if not (contribution.get("work") or contribution.get("goods") or contribution.get("money")):
            errors.append(field_error("contribution", "Inicjatywa lokalna wymaga wkładu własnego: pracy, rzeczy lub pieniędzy.",
                                 "A local initiative needs the applicants' own contribution: work, goods or money."))
    for i, coauthor in enumerate(proposal.coauthors or []):
        if coauthor == proposal.author:
            errors.append(field_error(f"coauthors.{i}", "Autor nie jest swoim współautorem.",
                                 "The author cannot be their own co-author."))
        else:
            resident = session.get(ResidentView, uuid.UUID(coauthor))
            if resident is None or resident.level not in settings["resident_levels"]:
                errors.append(field_error(f"coauthors.{i}", "Współautor musi być zweryfikowanym mieszkańcem.",
                                     "A co-author must be a verified resident."))
    return errors


def submit(session: Session, edition: Edition, proposal: Proposal, *, actor: str) -> Proposal:
    phases.require_open(session, edition, "submission")
    verified_resident(session, edition, actor)
    errors = completeness_errors(session, edition, proposal)
    if errors:
        raise Problem(422, f"Wniosek ma braki ({len(errors)}); popraw wskazane pola.",
                      f"The proposal is incomplete ({len(errors)} problems); fix the fields named.",
                      type_="https://glos.pl/problems/validation", errors=errors)
    proposal.status = "submitted"
    proposal.submitted_at = phases.now()
    proposal.version = 1
    session.add(ProposalVersion(proposal_id=proposal.id, version=1, content=content_of(proposal), created_by=actor,
                                reason="złożenie wniosku"))
    events.proposal_submitted(session, proposal)
    return proposal


def support_count(session: Session, proposal_id: uuid.UUID) -> int:
    return session.scalar(select(func.count()).select_from(Support).where(Support.proposal_id == proposal_id))


def support_online(session: Session, edition: Edition, proposal: Proposal, *, supporter: str) -> int:
    phases.require_open(session, edition, "submission")
    verified_resident(session, edition, supporter)
    if proposal.status != "submitted":
        raise Problem(409, "Ten wniosek nie zbiera poparcia.", "This proposal is not collecting support.")
    if proposal.author == supporter:
        raise Problem(409, "Autor nie popiera własnego wniosku.", "The author cannot support their own proposal.")
    inserted = session.execute(insert(Support).values(
        proposal_id=proposal.id, supporter_ref=f"account:{supporter}", channel="online")
        .on_conflict_do_nothing().returning(Support.proposal_id)).first()
    if inserted is None:
        raise Problem(409, "Już popierasz ten wniosek.", "You already support this proposal.",
                      type_="https://glos.pl/problems/already-supported")
    count = support_count(session, proposal.id)
    events.proposal_event(session, "proposal.supported", proposal, channel="online", supporters=count)
    return count
