"""voting-svc's HTTP endpoints: the ballot, the vote, turnout and the tally, the close, results and their proofs,
paper cards. What they take and answer is in schemas.py."""

from __future__ import annotations

import uuid

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from glos_chassis.auth import bearer_token, current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.openapi import bearer_credential, file_response
from glos_chassis.web import db_sessions

from . import outages, paper, results, vote_effect, voting
from .ballots import validate_ballot
from .credentials import verify_credential, voter_key_of_status_pass
from .handlers import edition_projection
from .models import AgeBandTurnout, AreaTurnout, BallotView, EditionClosure, PaperCard, ProjectTally, ResultsDocument
from .schemas import (AgeBandTurnoutSchema, BallotCastSchema, OutageLedgerSchema, BallotCheckedSchema, BallotCheckSchema, BallotSchema, CardQuerySchema,
                      CloseSchema, ClosureSchema, EditionBallotSchema, EntrySchema, HandOutSchema, InvalidCardSchema,
                      MyBallotSchema, PaperCardSchema, ProjectTallySchema, ProofSchema, ReasonSchema, ReceiptSchema,
                      ResolutionSchema,
                      ResultsRequestSchema, ResultsSchema, TurnoutSchema, VoteEffectSchema)

blp = Blueprint("ballots", __name__, url_prefix="/editions", description="Karty do głosowania / Ballots")


@blp.route("/<uuid:edition_id>")
class EditionBallot(MethodView):
    @blp.response(200, EditionBallotSchema)
    def get(self, edition_id: uuid.UUID):
        """Edycja i projekty widziane przez usługę głosowania / The edition as voting-svc knows it"""
        with session_scope(db_sessions()) as session:
            projection = edition_projection(session, edition_id)
        if projection is None:
            raise Problem(404, "Usługa głosowania nie zna tej edycji.", "voting-svc does not know this edition.")
        return projection


@blp.route("/<uuid:edition_id>/ballot")
class PublishedBallot(MethodView):
    @blp.response(200, BallotSchema)
    def get(self, edition_id: uuid.UUID):
        """Karta do głosowania z zamrożonymi zasadami / The ballot with its frozen rules"""
        with session_scope(db_sessions()) as session:
            return _ballot_in_session(session, edition_id)


# One instance for every request: given the class, webargs would build a schema (and deep-copy its nested
# fields) on each vote — a tenth of the vote path's time. Loading does not change a schema, so sharing it
# between threads is safe.
BALLOT_CAST_SCHEMA = BallotCastSchema()


def _ballot_in_session(session, edition_id: uuid.UUID) -> BallotView:
    ballot = session.get(BallotView, edition_id)
    if ballot is None:
        raise Problem(404, "Karta tej edycji nie została opublikowana.", "This edition's ballot is not published.")
    return ballot


def _published_results(session, edition_id: uuid.UUID) -> ResultsDocument:
    result = session.get(ResultsDocument, edition_id)
    if result is None:
        raise Problem(404, "Wyników jeszcze nie opublikowano.", "The results are not published yet.")
    return result


_ballots: dict[uuid.UUID, BallotView] = {}  # frozen once published: safe to keep for the process's life


def _published_ballot(edition_id: uuid.UUID) -> BallotView:
    """The hot path's ballot: read once per process (it is frozen)."""
    ballot = _ballots.get(edition_id)
    if ballot is None:
        with session_scope(db_sessions()) as session:
            ballot = _ballot_in_session(session, edition_id)
        _ballots[edition_id] = ballot
    return ballot


@blp.route("/<uuid:edition_id>/ballot/check")
class BallotCheck(MethodView):
    @blp.arguments(BallotCheckSchema)
    @blp.response(200, BallotCheckedSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Sprawdzenie karty bez oddania głosu / Check a ballot without casting it

        The rules that decide a cast ballot, applied to a ballot (or, with `whole: false`, the parts filled in so
        far) without a credential: the site checks each step of the ballot here instead of keeping a copy of the
        rules. 200 with the parts as they would be counted, or 422 naming each violation by its field. The
        own-district rule is checked only when `district` is given."""
        parts = validate_ballot(_published_ballot(edition_id), body["district"], body["parts"], whole=body["whole"])
        return {"valid": True, "parts": parts}


@blp.route("/<uuid:edition_id>/votes")
class Votes(MethodView):
    @bearer_credential
    @blp.arguments(BALLOT_CAST_SCHEMA)
    @blp.response(201, ReceiptSchema)
    @blp.alt_response(200, schema=ReceiptSchema, description="A retry with the same Idempotency-Key")
    def post(self, body, edition_id: uuid.UUID):
        """Oddaj głos (Authorization: Bearer <poświadczenie>, Idempotency-Key) / Cast a ballot"""
        idempotency_key = request.headers.get("Idempotency-Key", "").strip()
        if not 8 <= len(idempotency_key) <= 100:
            raise Problem(400, "Podaj nagłówek Idempotency-Key (8–100 znaków).",
                          "Send an Idempotency-Key header (8-100 characters).",
                          errors=[{"location": "headers", "field": "Idempotency-Key", "message": "Wymagany.",
                                   "message_en": "Required."}])
        ballot = _published_ballot(edition_id)
        credential = verify_credential(current_app.extensions["glos.token_verifier"], bearer_token(), edition_id)
        if credential.channel != "online":
            raise Problem(403, "Głos papierowy wprowadzają urzędnicy z karty.", "Paper ballots are keyed by officials "
                          "from the card.", type_="https://glos.pl/problems/wrong-channel")
        receipt, created = voting.cast(_claims(), _vote_log(), ballot, credential,
                                       body["parts"], idempotency_key)
        return receipt, (201 if created else 200)


@blp.route("/<uuid:edition_id>/votes/mine")
class MyBallot(MethodView):
    @bearer_credential
    @blp.response(200, MyBallotSchema)
    def get(self, edition_id: uuid.UUID):
        """Czy oddałem głos (Authorization: Bearer <przepustka z identity-svc>) / Have I voted (status pass)"""
        voter_key = voter_key_of_status_pass(current_app.extensions["glos.token_verifier"], bearer_token(),
                                             edition_id)
        mine = voting.my_ballot(_claims(), _vote_log(), edition_id, voter_key)
        if mine is None:
            raise Problem(404, "W tej edycji nie oddano jeszcze głosu.", "No ballot in this edition yet.",
                          type_="https://glos.pl/problems/no-ballot")
        return mine


def _claims() -> voting.Claims:
    return current_app.extensions["voting.claims"]


def _vote_log() -> voting.VoteLog:
    log = current_app.extensions.get("voting.vote_log")
    if log is None:
        log = current_app.extensions.setdefault("voting.vote_log", voting.VoteLog(
            current_app.extensions["glos.settings"].kafka_bootstrap_servers))
    return log


@blp.route("/<uuid:edition_id>/turnout")
class Turnout(MethodView):
    @blp.response(200, TurnoutSchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Frekwencja na żywo, według obszaru i kanału / Live turnout by area and channel"""
        with session_scope(db_sessions()) as session:
            return list(session.scalars(select(AreaTurnout).where(AreaTurnout.edition_id == edition_id)))


@blp.route("/<uuid:edition_id>/turnout/age-bands")
class AgeBandTurnouts(MethodView):
    @blp.response(200, AgeBandTurnoutSchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Frekwencja według wieku, po ogłoszeniu wyników / Turnout by age band, once the results are out

        Only with the results: while voting runs, a small district's count in a rare band that moves by one
        would tell a watcher more about a neighbour than turnout should."""
        with session_scope(db_sessions()) as session:
            _published_results(session, edition_id)
            return list(session.scalars(select(AgeBandTurnout).where(AgeBandTurnout.edition_id == edition_id)
                                        .order_by(AgeBandTurnout.area_id, AgeBandTurnout.age_band)))


@blp.route("/<uuid:edition_id>/outages")
class Outages(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @blp.response(200, OutageLedgerSchema)
    def get(self, edition_id: uuid.UUID):
        """Kiedy nie dało się oddać głosu w tej edycji / When ballots could not be cast in this edition

        voting-svc's own checks of its vote path (its database, and a leader with enough in-sync copies for every
        partition of the vote log), cut to the edition's voting: the coordinator's ground for extending it."""
        with session_scope(db_sessions()) as session:
            _ballot_in_session(session, edition_id)
            return outages.for_edition(session, edition_id)


@blp.route("/<uuid:edition_id>/results")
class Results(MethodView):
    @require(role="coordinator")
    @blp.arguments(ResultsRequestSchema)
    @blp.response(201, ResultsSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Policz i opublikuj wyniki, ujawniając ziarno losowania / Count and publish, revealing the draw seed"""
        with session_scope(db_sessions()) as session:
            return results.publish(session, _ballot_in_session(session, edition_id), seed=body["seed"], actor=current_principal().subject,
                                   bootstrap_servers=current_app.extensions["glos.settings"].kafka_bootstrap_servers)

    @blp.response(200, ResultsSchema)
    def get(self, edition_id: uuid.UUID):
        """Opublikowane wyniki / The published results"""
        with session_scope(db_sessions()) as session:
            return _published_results(session, edition_id)


@blp.route("/<uuid:edition_id>/results.csv")
class ResultsCsv(MethodView):
    @file_response("text/csv", description="Wyniki (CSV) / The results (CSV)")
    def get(self, edition_id: uuid.UUID):
        """Wyniki jako CSV / The results as CSV"""
        with session_scope(db_sessions()) as session:
            body = results.as_csv(_published_results(session, edition_id).document)
        return Response(body, mimetype="text/csv")


@blp.route("/<uuid:edition_id>/close")
class Close(MethodView):
    @blp.response(200, ClosureSchema)
    def get(self, edition_id: uuid.UUID):
        """Czy i kiedy zamknięto głosowanie (404: trwa) / Whether and when the voting was closed"""
        with session_scope(db_sessions()) as session:
            closure = session.get(EditionClosure, edition_id)
            if closure is None:
                raise Problem(404, "Głosowanie w tej edycji nie jest zamknięte.", "Voting in this edition is not closed.")
            return closure

    @require(role="coordinator")
    @blp.arguments(CloseSchema)
    @blp.response(201, ClosureSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Zamknij głosowanie (koordynator) / Close the voting (coordinator)"""
        with session_scope(db_sessions()) as session:
            return results.close(session, _ballot_in_session(session, edition_id),
                                 actor=current_principal().subject, reason=body["reason"],
                                 confirm_unfinished_cards=body["confirm_unfinished_cards"])


@blp.route("/<uuid:edition_id>/tally")
class LiveTally(MethodView):
    @blp.response(200, ProjectTallySchema(many=True))
    def get(self, edition_id: uuid.UUID):
        """Punkty projektów (ukryte do ogłoszenia wyników, chyba że edycja postanowi inaczej) / Project points
        (hidden until the results are published unless the edition says otherwise)"""
        with session_scope(db_sessions()) as session:
            ballot = _ballot_in_session(session, edition_id)
            if not ballot.rules.get("live_scores") and session.get(ResultsDocument, edition_id) is None:
                raise Problem(403, "Wyniki projektów są ukryte do ogłoszenia wyników.",
                              "Project scores are hidden until the results are published.",
                              type_="https://glos.pl/problems/scores-hidden")
            return list(session.scalars(select(ProjectTally).where(ProjectTally.edition_id == edition_id)))


@blp.route("/<uuid:edition_id>/receipts/<string:receipt>/proof")
class ReceiptProof(MethodView):
    @blp.response(200, ProofSchema)
    def get(self, edition_id: uuid.UUID, receipt: str):
        """Dowód, że potwierdzenie jest w opublikowanym drzewie / Inclusion proof of a receipt"""
        with session_scope(db_sessions()) as session:
            return results.receipt_proof(session, _published_results(session, edition_id), receipt)


@blp.route("/<uuid:edition_id>/receipts/<string:receipt>/effect")
class ReceiptEffect(MethodView):
    @blp.response(200, VoteEffectSchema)
    def get(self, edition_id: uuid.UUID, receipt: str):
        """Co zrobił mój głos: które z wybranych projektów wygrały, a przy MES na co poszedł mój udział /
        What my vote did: which of my chosen projects won, and under MES where my share went

        Tylko z kartą pod tym potwierdzeniem i opublikowanymi wynikami — bez tożsamości. / From the ballot under
        the receipt and the published results only — without identity."""
        with session_scope(db_sessions()) as session:
            published = _published_results(session, edition_id)
            return vote_effect.effect(session, edition_id, _ballot_in_session(session, edition_id),
                                      published.document, receipt)


@blp.route("/<uuid:edition_id>/ballots.zip")
class BallotsExport(MethodView):
    @file_response("application/zip", description="Karty w formacie Pabulib (ZIP) / Pabulib ballots (ZIP)")
    def get(self, edition_id: uuid.UUID):
        """Zanonimizowane karty całej edycji w formacie Pabulib / The edition's anonymised ballots (Pabulib)"""
        with session_scope(db_sessions()) as session:
            if session.get(ResultsDocument, edition_id) is None:
                raise Problem(404, "Karty publikuje się razem z wynikami.", "Ballots are published with the results.")
            body = results.export(session, _ballot_in_session(session, edition_id))
        return Response(body, mimetype="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="glos-{edition_id}-ballots.zip"'})


# --------------------------------------------------------------------------- paper ballots


def _staff() -> str:
    return current_principal().subject


@blp.route("/<uuid:edition_id>/paper-cards")
class PaperCards(MethodView):
    @require(any_of=("pb_official",))
    @blp.arguments(HandOutSchema)
    @blp.response(201, PaperCardSchema)
    def post(self, body, edition_id: uuid.UUID):
        """Wydaj kartę w punkcie głosowania (urzędnik) / Hand out a card at a voting point (official)"""
        credential = verify_credential(current_app.extensions["glos.token_verifier"], body["credential"], edition_id)
        with session_scope(db_sessions()) as session:
            return paper.hand_out(session, _ballot_in_session(session, edition_id),
                                  credential, body["card_number"], official=_staff())

    @require(any_of=("pb_official", "coordinator"))
    @blp.arguments(CardQuerySchema, location="query")
    @blp.response(200, PaperCardSchema(many=True))
    def get(self, query, edition_id: uuid.UUID):
        """Karty papierowe, np. ?status=mismatch dla koordynatora / Paper cards, e.g. the mismatch queue"""
        with session_scope(db_sessions()) as session:
            statement = select(PaperCard).where(PaperCard.edition_id == edition_id).order_by(PaperCard.card_number)
            if query["status"] == "unfinished":
                statement = statement.where(PaperCard.status.in_(paper.UNRESOLVED))
            elif query["status"]:
                statement = statement.where(PaperCard.status == query["status"])
            return list(session.scalars(statement.limit(1000)))


@blp.route("/<uuid:edition_id>/paper-cards/<string:card_number>/entries")
class PaperCardEntries(MethodView):
    @require(any_of=("pb_official",))
    @blp.arguments(EntrySchema)
    @blp.response(200, PaperCardSchema)
    def post(self, body, edition_id: uuid.UUID, card_number: str):
        """Wprowadź kartę (dwa razy, przez dwóch urzędników) / Key a card (twice, by two officials)"""
        with session_scope(db_sessions()) as session:
            return paper.key_entry(session, _claims(), _vote_log(),
                                   _ballot_in_session(session, edition_id), card_number, body["parts"],
                                   official=_staff())


@blp.route("/<uuid:edition_id>/paper-cards/<string:card_number>/invalid")
class PaperCardInvalid(MethodView):
    @require(any_of=("pb_official",))
    @blp.arguments(InvalidCardSchema)
    @blp.response(200, PaperCardSchema)
    def post(self, body, edition_id: uuid.UUID, card_number: str):
        """Uznaj kartę za nieważną, z powodem / Mark a card invalid, with the reason"""
        with session_scope(db_sessions()) as session:
            return paper.mark_invalid(session, edition_id, card_number, reason=body["reason"], note=body["note"],
                                      official=_staff())


@blp.route("/<uuid:edition_id>/paper-cards/<string:card_number>/resolution")
class PaperCardResolution(MethodView):
    @require(role="coordinator")
    @blp.arguments(ResolutionSchema)
    @blp.response(200, PaperCardSchema)
    def post(self, body, edition_id: uuid.UUID, card_number: str):
        """Rozstrzygnij niezgodne wprowadzenia (koordynator) / Decide a card whose keyings differ (coordinator)"""
        if (body["parts"] is None) == (body["invalid_reason"] is None):
            raise Problem(422, "Podaj albo treść karty (parts), albo powód nieważności (invalid_reason).",
                          "Give either what the card says (parts) or why it is invalid (invalid_reason).",
                          errors=[{"location": "json", "field": "parts", "message": "Jedno z dwóch.",
                                   "message_en": "One of the two."}])
        with session_scope(db_sessions()) as session:
            return paper.resolve(session, _claims(), _vote_log(),
                                 _ballot_in_session(session, edition_id), card_number, parts=body["parts"],
                                 invalid_reason=body["invalid_reason"], note=body["note"], coordinator=_staff())
