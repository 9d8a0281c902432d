"""HTTP endpoints: parse, call one use case, answer."""

from __future__ import annotations

import hashlib
import uuid

from flask import Response, current_app, request
from flask.views import MethodView
from sqlalchemy import select
from flask_smorest import Blueprint

from glos_chassis.auth import current_principal, optional_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.openapi import file_body, file_response, optional_token
from glos_chassis.web import db_sessions

from . import changes, conflicts, events, implementation, initiatives, lifecycle, lists, pabulib, phases, rules, service, verification
from .models import (Appeal, Area, Attachment, ChangeRequest, Conflict, Department, Implementation, InitiativeTerms,
                     Proposal)
from .schemas import (ScoringSchema, TermsProposalSchema, TermsSchema, ImplementationQuerySchema, ImplementationReportSchema, ImplementationSchema,
                      ImplementationUpdateSchema, AppealCreateSchema, AppealDecisionSchema, AppealSchema, AreaSchema, AssignmentSchema,
                      AttachmentQuerySchema, AttachmentSchema, ChangeRequestCreateSchema, ChangeRequestSchema,
                      ChangeResponseSchema, ConflictSchema, DepartmentSchema, DraftCreateSchema, EditionCreateSchema,
                      EditionSchema, ExclusiveMarkSchema, FormalVerificationSchema, ListPublicationSchema,
                      PabulibImportQuerySchema, PhaseChangeSchema, ProposalContentSchema, ProposalListQuerySchema,
                      ProposalSchema, ReasonSchema, ResolutionSchema, ReviewSchema, RulesChangeSchema,
                      RulesStateSchema, ScheduleSchema, ScheduleStateSchema, SettingsChangeSchema, SubstantiveReviewSchema,
                      SupportStateSchema, VersionDiffSchema,
                      VersionSchema)

blp = Blueprint("editions", __name__, url_prefix="/editions",
                description="Edycje budżetu obywatelskiego i wnioski / PB editions and proposals")
proposals_blp = Blueprint("proposals", __name__, url_prefix="/proposals",
                          description="Wnioski: weryfikacja, uzgodnienia, odwołania / Proposals: verification, "
                                      "changes, appeals")
implementations_blp = Blueprint("implementations", __name__, url_prefix="/implementations",
                                description="Monitorowanie realizacji / Implementation monitoring")
departments_blp = Blueprint("departments", __name__, url_prefix="/departments",
                            description="Komórki merytoryczne / Departments")

ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENTS_PER_PROPOSAL = 10


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


@blp.route("")
class Editions(MethodView):
    @blp.response(200, EditionSchema(many=True))
    def get(self):
        """Lista edycji / List editions"""
        with session_scope(db_sessions()) as session:
            return service.list_editions(session)

    @require(role="pb_official")
    @blp.arguments(EditionCreateSchema)
    @blp.response(201, EditionSchema)
    def post(self, body):
        """Utwórz edycję (urzędnik BO) / Create an edition (PB official)"""
        with session_scope(db_sessions()) as session:
            return service.create_edition(session, created_by=current_principal().subject, **body)


@blp.route("/<uuid:edition_id>")
class EditionById(MethodView):
    @blp.response(200, EditionSchema)
    def get(self, edition_id: uuid.UUID):
        """Edycja / An edition"""
        with session_scope(db_sessions()) as session:
            return service.get_edition(session, edition_id)


@blp.route("/<uuid:edition_id>/settings")
class EditionSettings(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @blp.arguments(SettingsChangeSchema)
    @blp.response(200, EditionSchema)
    def put(self, body, edition_id: uuid.UUID):
        """Ustawienia edycji (poparcie, lista kontrolna, terminy) / Edition settings"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return service.change_settings(session, edition, body["settings"], actor=current_principal().subject,
                                           reason=body["reason"])


@blp.route("/<uuid:edition_id>/schedule")
class Schedule(MethodView):
    @blp.response(200, ScheduleStateSchema)
    def get(self, edition_id: uuid.UUID):
        """Harmonogram i bieżąca faza / The schedule and the current phase"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return {"current_phase": edition.current_phase, "phase_changed_at": edition.phase_changed_at,
                    "phases": phases.schedule_of(session, edition_id)}

    @require(any_of=("pb_official", "coordinator"))
    @blp.arguments(ScheduleSchema)
    @blp.response(200, ScheduleStateSchema)
    def put(self, body, edition_id: uuid.UUID):
        """Ustal harmonogram (fazy zmieniają się w wyznaczonych terminach) / Set the dated schedule"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            rows = phases.set_schedule(session, edition, body["phases"], actor=current_principal().subject,
                                       reason=body["reason"])
            return {"current_phase": edition.current_phase, "phase_changed_at": edition.phase_changed_at,
                    "phases": rows}


@blp.route("/<uuid:edition_id>/phase")
class Phase(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @blp.arguments(PhaseChangeSchema)
    @blp.response(200, EditionSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Zmień fazę ręcznie, z uzasadnieniem / Change the phase by hand, with a reason"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return phases.change_phase(session, edition, body["phase"], actor=current_principal().subject,
                                       reason=body["reason"])


@blp.route("/<uuid:edition_id>/proposals")
class Proposals(MethodView):
    @blp.arguments(ProposalListQuerySchema, location="query")
    @blp.response(200, ProposalSchema(many=True))
    def get(self, query, edition_id: uuid.UUID):
        """Złożone wnioski w edycji / The edition's submitted proposals"""
        with session_scope(db_sessions()) as session:
            return service.list_proposals(session, edition_id, **query)

    @require(role="resident")
    @blp.arguments(DraftCreateSchema)
    @blp.response(201, ProposalSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Zapisz szkic wniosku (mieszkaniec) / Save a draft proposal (resident)"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return lifecycle.create_draft(session, edition, author=current_principal().subject, content=body)


@blp.route("/<uuid:edition_id>/proposals/mine")
class MyProposals(MethodView):
    @require()
    @blp.response(200, ProposalSchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Moje wnioski, ze szkicami / My proposals, drafts included"""
        with session_scope(db_sessions()) as session:
            service.get_edition(session, edition_id)
            return list(session.scalars(select(Proposal).where(
                Proposal.edition_id == edition_id, Proposal.author == current_principal().subject)
                .order_by(Proposal.created_at)))


@blp.route("/<uuid:edition_id>/conflicts")
class Conflicts(MethodView):
    @blp.response(200, ConflictSchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Konflikty między wnioskami / Conflicts between proposals"""
        with session_scope(db_sessions()) as session:
            service.get_edition(session, edition_id)
            return list(session.scalars(select(Conflict).where(Conflict.edition_id == edition_id)
                                        .order_by(Conflict.created_at)))

    @require(role="pb_official")
    @blp.arguments(ExclusiveMarkSchema)
    @blp.response(201, ConflictSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Oznacz dwa wnioski jako wykluczające się / Mark two proposals mutually exclusive"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            a, b = (lifecycle.get_proposal(session, pid) for pid in body["proposal_ids"])
            return conflicts.mark_exclusive(session, edition, a, b, actor=current_principal().subject,
                                            reason=body["reason"])


@blp.route("/<uuid:edition_id>/conflicts/check")
class ConflictCheck(MethodView):
    @require(role="pb_official")
    @blp.response(200, ConflictSchema(many=True))
    def post(self, edition_id: uuid.UUID):
        """Sprawdź odległości między lokalizacjami; zwraca nowe konflikty / Check distances; new conflicts"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return conflicts.check_nearby(session, edition, actor=current_principal().subject)


@blp.route("/<uuid:edition_id>/conflicts/<uuid:conflict_id>/resolution")
class ConflictResolution(MethodView):
    @require(role="pb_official")
    @blp.arguments(ResolutionSchema)
    @blp.response(200, ConflictSchema)
    def post(self, body, edition_id: uuid.UUID, conflict_id: uuid.UUID):
        """Rozstrzygnij konflikt / Resolve a conflict"""
        with session_scope(db_sessions()) as session:
            conflict = session.get(Conflict, conflict_id, with_for_update=True)
            if conflict is None or conflict.edition_id != edition_id:
                raise Problem(404, "Nie ma takiego konfliktu.", "No such conflict.")
            return conflicts.resolve(session, conflict, actor=current_principal().subject,
                                     resolution=body["resolution"])


@blp.route("/<uuid:edition_id>/lists")
class Lists(MethodView):
    @blp.response(200, ListPublicationSchema)
    def get(self, edition_id: uuid.UUID):
        """Opublikowane listy projektów (JSON) / The published lists"""
        with session_scope(db_sessions()) as session:
            return lists.latest(session, service.get_edition(session, edition_id))

    @require(role="pb_official")
    @blp.arguments(ReasonSchema)
    @blp.response(201, ListPublicationSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Opublikuj listy zakwalifikowanych i odrzuconych / Publish the lists"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return lists.publish(session, edition, actor=current_principal().subject, reason=body["reason"])


@blp.route("/<uuid:edition_id>/lists.csv")
class ListsCsv(MethodView):
    @file_response("text/csv", description="Listy (CSV) / The lists (CSV)")
    def get(self, edition_id: uuid.UUID):
        """Opublikowane listy projektów (CSV) / The published lists as CSV"""
        with session_scope(db_sessions()) as session:
            body = lists.as_csv(lists.latest(session, service.get_edition(session, edition_id)))
        return Response(body, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="listy-{edition_id}.csv"'})


@blp.route("/<uuid:edition_id>/areas")
class Areas(MethodView):
    @blp.response(200, AreaSchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Obszary (pule) edycji / The edition's areas (pools)"""
        with session_scope(db_sessions()) as session:
            service.get_edition(session, edition_id)
            return list(session.scalars(select(Area).where(Area.edition_id == edition_id).order_by(Area.kind, Area.name)))

    @require(any_of=("pb_official", "coordinator"))
    @blp.arguments(AreaSchema)
    @blp.response(201, AreaSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Utwórz obszar (pulę) / Create an area (pool)"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return service.create_area(session, edition, actor=current_principal().subject, **body)


@blp.route("/<uuid:edition_id>/areas/pabulib")
class AreaImport(MethodView):
    @require(role="pb_official")
    @file_body("text/plain", "text/csv", "application/octet-stream", description="Plik Pabulib (.pb, UTF-8)")
    @blp.arguments(PabulibImportQuerySchema, location="query")
    @blp.response(201, AreaSchema)
    def post(self, query, edition_id: uuid.UUID):
        """Import obszaru z pliku Pabulib (treść text/plain) / Import an area from a Pabulib file"""
        if request.mimetype not in ("text/plain", "text/csv", "application/octet-stream"):
            raise Problem(415, "Prześlij plik .pb jako text/plain.", "Send the .pb file as text/plain.")
        request.max_content_length = current_app.extensions["glos.settings"].pabulib_max_bytes  # this view only
        try:
            text = request.get_data().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Problem(422, "Plik nie jest w UTF-8.", "The file is not UTF-8.") from None
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            (area,) = pabulib.import_areas(session, edition, [(query["source"], text)],
                                             actor=current_principal().subject)
            return area


@blp.route("/<uuid:edition_id>/areas/<uuid:area_id>/pabulib")
class AreaExport(MethodView):
    @file_response("text/plain", description="Plik Pabulib / A Pabulib file")
    def get(self, edition_id: uuid.UUID, area_id: uuid.UUID):
        """Projekty obszaru w formacie Pabulib / The area's projects as a Pabulib file"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            area = session.get(Area, area_id)
            if area is None or area.edition_id != edition.id:
                raise Problem(404, "Nie ma takiego obszaru w tej edycji.", "No such area in this edition.")
            body = pabulib.export_area(session, edition, area)
        return Response(body, mimetype="text/plain", headers={
            "Content-Disposition": f'attachment; filename="area-{area_id}.pb"'})


@blp.route("/<uuid:edition_id>/voting-rules")
class VotingRules(MethodView):
    @blp.response(200, RulesStateSchema)
    def get(self, edition_id: uuid.UUID):
        """Zasady głosowania i ich skrót SHA-256 / The voting rules and their SHA-256"""
        with session_scope(db_sessions()) as session:
            return service.get_edition(session, edition_id)

    @require(any_of=("pb_official", "coordinator"))
    @blp.arguments(RulesChangeSchema)
    @blp.response(200, RulesStateSchema)
    def put(self, body, edition_id: uuid.UUID):
        """Ustal zasady głosowania (do publikacji karty) / Set the voting rules (until the ballot is published)"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return rules.set_rules(session, edition, body["rules"], actor=current_principal().subject,
                                   reason=body["reason"])


@blp.route("/<uuid:edition_id>/ballot")
class Ballot(MethodView):
    @require(role="coordinator")
    @blp.arguments(ReasonSchema)
    @blp.response(201, RulesStateSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Opublikuj kartę do głosowania: zamraża zasady / Publish the ballot: freezes the rules"""
        with session_scope(db_sessions()) as session:
            edition = service.get_edition(session, edition_id)
            return rules.publish_ballot(session, edition, actor=current_principal().subject, reason=body["reason"])


@proposals_blp.route("/<uuid:proposal_id>")
class ProposalById(MethodView):
    @optional_token
    @proposals_blp.response(200, ProposalSchema)
    def get(self, proposal_id: uuid.UUID):
        """Wniosek (szkic widzi tylko autor) / A proposal (a draft only for its author)"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            if not lifecycle.visible_to(proposal, principal.subject if principal else None):
                raise Problem(404, "Nie ma takiego wniosku.", "No such proposal.")
            return proposal

    @require(role="resident")
    @proposals_blp.arguments(ProposalContentSchema)
    @proposals_blp.response(200, ProposalSchema)
    def patch(self, body, proposal_id: uuid.UUID):
        """Popraw własny szkic / Edit your own draft"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.own_draft(session, proposal_id, current_principal().subject)
            return lifecycle.update_draft(session, proposal, body)


@proposals_blp.route("/<uuid:proposal_id>/submission")
class Submission(MethodView):
    @require(role="resident")
    @proposals_blp.response(200, ProposalSchema)
    def post(self, proposal_id: uuid.UUID):
        """Złóż wniosek: sprawdza wszystko i wskazuje każdy brak / Submit: checks all, names every problem"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.own_draft(session, proposal_id, current_principal().subject)
            return lifecycle.submit(session, _edition_of(session, proposal), proposal,
                                    actor=current_principal().subject)


@proposals_blp.route("/<uuid:proposal_id>/attachments")
class Attachments(MethodView):
    @optional_token
    @proposals_blp.response(200, AttachmentSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Załączniki wniosku / The proposal's attachments"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            if not lifecycle.visible_to(proposal, principal.subject if principal else None):
                raise Problem(404, "Nie ma takiego wniosku.", "No such proposal.")
            return list(session.scalars(select(Attachment).where(Attachment.proposal_id == proposal_id)
                                        .order_by(Attachment.created_at)))

    @require(role="resident")
    @file_body(*sorted(ATTACHMENT_TYPES), description="Plik (do 5 MB) / The file (up to 5 MB)")
    @proposals_blp.arguments(AttachmentQuerySchema, location="query")
    @proposals_blp.response(201, AttachmentSchema)
    def post(self, query, proposal_id: uuid.UUID):
        """Dodaj załącznik do szkicu (PDF, JPEG, PNG; do 5 MB) / Attach a file to a draft"""
        if request.mimetype not in ATTACHMENT_TYPES:
            raise Problem(415, f"Dozwolone typy plików: {', '.join(sorted(ATTACHMENT_TYPES))}.",
                          f"Allowed file types: {', '.join(sorted(ATTACHMENT_TYPES))}.",
                          errors=[{"location": "headers", "field": "Content-Type", "message": request.mimetype,
                                   "message_en": request.mimetype}])
        request.max_content_length = ATTACHMENT_MAX_BYTES  # this view only; the gateway allows as much
        content = request.get_data()
        if not content:
            raise Problem(422, "Plik jest pusty.", "The file is empty.",
                          errors=[{"location": "body", "field": "body", "message": "Pusty.", "message_en": "Empty."}])
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.own_draft(session, proposal_id, current_principal().subject)
            count = len(session.scalars(select(Attachment.id).where(Attachment.proposal_id == proposal.id)).all())
            if count >= ATTACHMENTS_PER_PROPOSAL:
                raise Problem(409, f"Wniosek może mieć najwyżej {ATTACHMENTS_PER_PROPOSAL} załączników.",
                              f"A proposal may have at most {ATTACHMENTS_PER_PROPOSAL} attachments.")
            attachment = Attachment(proposal_id=proposal.id, filename=query["filename"], content_type=request.mimetype,
                                    size=len(content), sha256=hashlib.sha256(content).hexdigest(), content=content,
                                    uploaded_by=current_principal().subject)
            session.add(attachment)
            session.flush()
            events.edition_event(session, "proposal.attachment_added", proposal.edition_id, proposal_id=str(proposal.id),
                                 attachment_id=str(attachment.id), content_type=attachment.content_type,
                                 size=attachment.size)
            return attachment


@proposals_blp.route("/<uuid:proposal_id>/attachments/<uuid:attachment_id>")
class AttachmentContent(MethodView):
    @file_response(*sorted(ATTACHMENT_TYPES), description="Załącznik / The attachment")
    @optional_token
    def get(self, proposal_id: uuid.UUID, attachment_id: uuid.UUID):
        """Treść załącznika / The attachment's content"""
        principal = optional_principal()
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            attachment = session.get(Attachment, attachment_id)
            if (attachment is None or attachment.proposal_id != proposal.id
                    or not lifecycle.visible_to(proposal, principal.subject if principal else None)):
                raise Problem(404, "Nie ma takiego załącznika.", "No such attachment.")
            return Response(attachment.content, mimetype=attachment.content_type, headers={
                "Content-Disposition": f'attachment; filename="{attachment.id}"',
                "X-Content-Type-Options": "nosniff"})


@proposals_blp.route("/<uuid:proposal_id>/support")
class SupportOnline(MethodView):
    @optional_token
    @proposals_blp.response(200, SupportStateSchema)
    def get(self, proposal_id: uuid.UUID):
        """Liczba popierających / How many support it"""
        with session_scope(db_sessions()) as session:
            proposal = _visible_proposal(session, proposal_id)
            return {"proposal_id": proposal.id, "supporters": lifecycle.support_count(session, proposal.id)}

    @require(role="resident")
    @proposals_blp.response(201, SupportStateSchema)
    def post(self, proposal_id: uuid.UUID):
        """Poprzyj wniosek (zweryfikowany mieszkaniec) / Support a proposal (verified resident)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            count = lifecycle.support_online(session, _edition_of(session, proposal), proposal,
                                             supporter=current_principal().subject)
            return {"proposal_id": proposal.id, "supporters": count}


@proposals_blp.route("/<uuid:proposal_id>/formal-verification")
class FormalVerification(MethodView):
    @require(role="pb_official")
    @proposals_blp.arguments(FormalVerificationSchema)
    @proposals_blp.response(201, ReviewSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Ocena formalna według listy kontrolnej edycji / Formal verification against the checklist"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return verification.formal_verification(session, _edition_of(session, proposal), proposal,
                                                    actor=current_principal().subject, **body)


@proposals_blp.route("/<uuid:proposal_id>/assignment")
class Assignment(MethodView):
    @require(role="pb_official")
    @proposals_blp.arguments(AssignmentSchema)
    @proposals_blp.response(200, ProposalSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Przekaż do komórki merytorycznej / Assign to a department"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return verification.assign_department(session, proposal, code=body["department"],
                                                  actor=current_principal().subject, reason=body["reason"])


@proposals_blp.route("/<uuid:proposal_id>/reviews")
class Reviews(MethodView):
    @require(any_of=("pb_official", "coordinator", "department_reviewer"))
    @proposals_blp.response(200, ReviewSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Oceny wniosku (urząd; komórka — tylko przypisane jej) / Reviews (a department: only its own)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            verification.require_department(current_principal(), proposal)
            return verification.reviews_of(session, proposal)

    @require(role="department_reviewer")
    @proposals_blp.arguments(SubstantiveReviewSchema)
    @proposals_blp.response(201, ReviewSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Ocena merytoryczna (komórka, do której przypisano wniosek) / Substantive review by the department"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            findings = {name: body[name] for name in ("feasibility", "legal", "ownership")}
            return verification.substantive_review(session, proposal, principal=current_principal(),
                                                   outcome=body["outcome"], findings=findings,
                                                   city_cost_estimate=body["city_cost_estimate"], reason=body["reason"])


@proposals_blp.route("/<uuid:proposal_id>/change-requests")
class ChangeRequests(MethodView):
    @require()
    @proposals_blp.response(200, ChangeRequestSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Propozycje zmian (autor i urząd) / Change requests (the author and the office)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            _require_author_or_office(proposal)
            return list(session.scalars(select(ChangeRequest).where(ChangeRequest.proposal_id == proposal_id)
                                        .order_by(ChangeRequest.created_at)))

    @require(role="pb_official")
    @proposals_blp.arguments(ChangeRequestCreateSchema)
    @proposals_blp.response(201, ChangeRequestSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Zaproponuj zmianę wnioskodawcy / Propose a change to the applicant"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return changes.request_change(session, _edition_of(session, proposal), proposal,
                                          actor=current_principal().subject, changes=body["changes"],
                                          reason=body["reason"])


@proposals_blp.route("/<uuid:proposal_id>/change-requests/<uuid:request_id>/response")
class ChangeRequestResponse(MethodView):
    @require(role="resident")
    @proposals_blp.arguments(ChangeResponseSchema)
    @proposals_blp.response(200, ChangeRequestSchema)
    def post(self, body, proposal_id: uuid.UUID, request_id: uuid.UUID):
        """Przyjmij lub odrzuć zmianę (autor) / Accept or refuse the change (the author)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            change = _part_of(session, ChangeRequest, request_id, proposal, "Nie ma takiej propozycji zmian.",
                              "No such change request.")
            return changes.respond(session, _edition_of(session, proposal), proposal, change,
                                   actor=current_principal().subject, **body)


@proposals_blp.route("/<uuid:proposal_id>/versions")
class Versions(MethodView):
    @optional_token
    @proposals_blp.response(200, VersionSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Wszystkie wersje wniosku / Every version of the proposal"""
        with session_scope(db_sessions()) as session:
            return changes.versions(session, _visible_proposal(session, proposal_id))


@proposals_blp.route("/<uuid:proposal_id>/versions/<int:older>/diff/<int:newer>")
class VersionDiff(MethodView):
    @optional_token
    @proposals_blp.response(200, VersionDiffSchema)
    def get(self, proposal_id: uuid.UUID, older: int, newer: int):
        """Różnice między wersjami, pole po polu / What changed between two versions, field by field"""
        with session_scope(db_sessions()) as session:
            proposal = _visible_proposal(session, proposal_id)
            before = changes.version(session, proposal, older).content
            after = changes.version(session, proposal, newer).content
        return {"proposal_id": str(proposal_id), "from": older, "to": newer, "changes": changes.diff(before, after)}


@proposals_blp.route("/<uuid:proposal_id>/appeals")
class Appeals(MethodView):
    @optional_token
    @proposals_blp.response(200, AppealSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Odwołania i ich rozstrzygnięcia / Appeals and their decisions"""
        with session_scope(db_sessions()) as session:
            _visible_proposal(session, proposal_id)
            return list(session.scalars(select(Appeal).where(Appeal.proposal_id == proposal_id)
                                        .order_by(Appeal.filed_at)))

    @require(role="resident")
    @proposals_blp.arguments(AppealCreateSchema)
    @proposals_blp.response(201, AppealSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Odwołaj się od negatywnej oceny (autor, w terminie) / Appeal a negative verification"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return verification.file_appeal(session, _edition_of(session, proposal), proposal,
                                            actor=current_principal().subject, statement=body["statement"])


@proposals_blp.route("/<uuid:proposal_id>/appeals/<uuid:appeal_id>/decision")
class AppealDecision(MethodView):
    @require(role="coordinator")
    @proposals_blp.arguments(AppealDecisionSchema)
    @proposals_blp.response(200, AppealSchema)
    def post(self, body, proposal_id: uuid.UUID, appeal_id: uuid.UUID):
        """Rozstrzygnij odwołanie z uzasadnieniem (koordynator) / Decide an appeal (coordinator)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            appeal = _part_of(session, Appeal, appeal_id, proposal, "Nie ma takiego odwołania.", "No such appeal.")
            return verification.decide_appeal(session, proposal, appeal, actor=current_principal().subject, **body)


@proposals_blp.route("/<uuid:proposal_id>/scoring")
class Scoring(MethodView):
    @require(role="pb_official")
    @proposals_blp.arguments(ScoringSchema)
    @proposals_blp.response(201, ReviewSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Ocena inicjatywy lokalnej według kryteriów miasta / Score a local initiative against the criteria"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return initiatives.score(session, _edition_of(session, proposal), proposal,
                                     actor=current_principal().subject, **body)


@proposals_blp.route("/<uuid:proposal_id>/terms")
class Terms(MethodView):
    @require()
    @proposals_blp.response(200, TermsSchema(many=True))
    def get(self, proposal_id: uuid.UUID):
        """Warunki umowy (wnioskodawca i urząd) / The agreement's terms (the applicant and the office)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id)
            _require_author_or_office(proposal)
            return initiatives.terms_of(session, proposal)

    @require(role="pb_official")
    @proposals_blp.arguments(TermsProposalSchema)
    @proposals_blp.response(201, TermsSchema)
    def post(self, body, proposal_id: uuid.UUID):
        """Zaproponuj warunki realizacji (urząd) / Propose the terms (the office)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            return initiatives.propose_terms(session, _edition_of(session, proposal), proposal,
                                             actor=current_principal().subject, **body)


@proposals_blp.route("/<uuid:proposal_id>/terms/<uuid:terms_id>/response")
class TermsResponse(MethodView):
    @require(role="resident")
    @proposals_blp.arguments(ChangeResponseSchema)
    @proposals_blp.response(200, TermsSchema)
    def post(self, body, proposal_id: uuid.UUID, terms_id: uuid.UUID):
        """Przyjmij lub odrzuć warunki (wnioskodawca) / Accept or refuse the terms (the applicant)"""
        with session_scope(db_sessions()) as session:
            proposal = lifecycle.get_proposal(session, proposal_id, for_update=True)
            offer = _part_of(session, InitiativeTerms, terms_id, proposal, "Nie ma takich warunków.", "No such terms.")
            return initiatives.answer_terms(session, proposal, offer, actor=current_principal().subject, **body)


@departments_blp.route("")
class Departments(MethodView):
    @departments_blp.response(200, DepartmentSchema(many=True))
    def get(self):
        """Komórki merytoryczne / Departments"""
        with session_scope(db_sessions()) as session:
            return list(session.scalars(select(Department).order_by(Department.code)))

    @require(any_of=("pb_official", "admin"))
    @departments_blp.arguments(DepartmentSchema)
    @departments_blp.response(201, DepartmentSchema)
    def post(self, body):
        """Dodaj komórkę merytoryczną / Add a department"""
        with session_scope(db_sessions()) as session:
            return service.create_department(session, actor=current_principal().subject, **body)


@departments_blp.route("/<string:code>/proposals")
class DepartmentQueue(MethodView):
    @require(any_of=("pb_official", "coordinator", "department_reviewer"))
    @departments_blp.response(200, ProposalSchema(many=True))
    def get(self, code: str):
        """Wnioski przypisane komórce (tylko jej recenzentom i urzędowi) / A department's proposals"""
        principal = current_principal()
        if not ({"pb_official", "coordinator"} & principal.roles) and code not in verification.reviewer_departments(principal):
            raise Problem(403, "To nie jest Twoja komórka.", "This is not your department.",
                          type_="https://glos.pl/problems/forbidden")
        with session_scope(db_sessions()) as session:
            return list(session.scalars(select(Proposal).where(Proposal.department_code == code)
                                        .order_by(Proposal.submitted_at)))


def _implementation_view(session, item: Implementation, *, with_updates: bool = False) -> dict:
    proposal = session.get(Proposal, item.proposal_id)
    view = {name: getattr(item, name) for name in ("id", "proposal_id", "edition_id", "kind", "department_code",
                                                   "status", "progress", "cancel_reason", "updated_at")}
    view.update(title=proposal.title, area_id=proposal.area_id)
    if with_updates:
        view["updates"] = implementation.updates_of(session, item)
    return view


@implementations_blp.route("")
class Implementations(MethodView):
    @implementations_blp.arguments(ImplementationQuerySchema, location="query")
    @implementations_blp.response(200, ImplementationSchema(many=True))
    def get(self, query):
        """Realizacja projektów edycji albo komórki (publicznie) / How an edition's or a department's winners
        are being carried out"""
        with session_scope(db_sessions()) as session:
            statement = select(Implementation)
            if "edition_id" in query:
                service.get_edition(session, query["edition_id"])  # an unknown edition is a 404, not []
                statement = statement.where(Implementation.edition_id == query["edition_id"])
            if "department" in query:
                statement = statement.where(Implementation.department_code == query["department"])
            if query.get("status"):
                statement = statement.where(Implementation.status == query["status"])
            return [_implementation_view(session, i) for i in session.scalars(statement.order_by(Implementation.created_at))]


@implementations_blp.route("/<uuid:implementation_id>")
class ImplementationById(MethodView):
    @implementations_blp.response(200, ImplementationSchema)
    def get(self, implementation_id: uuid.UUID):
        """Realizacja projektu z historią aktualizacji / One project's implementation and its updates"""
        with session_scope(db_sessions()) as session:
            return _implementation_view(session, implementation.get(session, implementation_id), with_updates=True)


@implementations_blp.route("/<uuid:implementation_id>/assignment")
class ImplementationAssignment(MethodView):
    @require(role="pb_official")
    @implementations_blp.arguments(AssignmentSchema)
    @implementations_blp.response(200, ImplementationSchema)
    def post(self, body, implementation_id: uuid.UUID):
        """Przypisz realizację komórce / Assign the implementation to a department"""
        with session_scope(db_sessions()) as session:
            item = implementation.get(session, implementation_id, for_update=True)
            implementation.assign(session, item, code=body["department"], actor=current_principal().subject,
                                  reason=body["reason"])
            return _implementation_view(session, item)


@implementations_blp.route("/<uuid:implementation_id>/updates")
class ImplementationUpdates(MethodView):
    @require(any_of=("department_reviewer", "pb_official", "coordinator"))
    @implementations_blp.arguments(ImplementationReportSchema)
    @implementations_blp.response(201, ImplementationUpdateSchema)
    def post(self, body, implementation_id: uuid.UUID):
        """Zaraportuj postęp realizacji (komórka) / Report progress (the department)"""
        with session_scope(db_sessions()) as session:
            item = implementation.get(session, implementation_id, for_update=True)
            return implementation.report(session, item, principal=current_principal(), **body)
