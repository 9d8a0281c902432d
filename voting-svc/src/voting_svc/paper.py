"""Paper ballots at voting points, keyed twice.

1. At the voting point an official requests a credential on the voter's behalf (identity-svc checks the
   person) and hands out a numbered card: the card is bound to the credential's voter key, district and
   age — voting-svc never learns who the person is.
2. After voting, two officials key the card independently. Matching entries are accepted and the ballot
   goes into the vote log like any other (channel `paper`, cast at the time the card was handed out);
   differing entries go to a coordinator, who decides from the card itself.
3. A card can be marked invalid with a reason (unsigned, illegible, late, not returned).

A person gets one card per edition. Whether a card of someone who also voted online counts is the edition's
`paper_and_online` rule (`standing.decide`).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import voting
from .ballots import validate_ballot
from .credentials import VoterCredential
from .models import AuditEntry, BallotView, EditionClosure, PaperCard

INVALID_REASONS = ("unsigned", "illegible", "late", "not_returned", "other")
UNRESOLVED = ("handed_out", "keyed_once", "mismatch")


def _audit(session: Session, actor: str, action: str, card: PaperCard, reason: str, **details) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=f"{card.edition_id}/{card.card_number}",
                           reason=reason, details=details))


def _card(session: Session, edition_id, card_number: str) -> PaperCard:
    card = session.get(PaperCard, (edition_id, card_number), with_for_update=True)
    if card is None:
        raise Problem(404, f"Nie wydano karty nr {card_number}.", f"No card number {card_number} was handed out.")
    return card


def _final(card: PaperCard) -> Problem:
    return Problem(409, f"Karta nr {card.card_number} jest już rozstrzygnięta ({card.status}).",
                   f"Card {card.card_number} is already settled ({card.status}).",
                   type_="https://glos.pl/problems/card-settled")


def hand_out(session: Session, ballot: BallotView, credential: VoterCredential, card_number: str,
             *, official: str) -> PaperCard:
    if session.get(EditionClosure, ballot.edition_id) is not None:
        raise Problem(409, "Głosowanie zakończono: nie można wydać karty.", "Voting is closed: no card can be handed out.",
                      type_="https://glos.pl/problems/voting-closed")
    if credential.channel != "paper":
        raise Problem(422, "Kartę wydaje się na poświadczenie wystawione w punkcie głosowania.",
                      "A card is handed out on a credential requested at the voting point.",
                      errors=[{"location": "json", "field": "credential", "message": "Kanał inny niż papierowy.",
                               "message_en": "Not a paper-channel credential."}])
    if voting.has_claim(session, ballot.edition_id, credential.voter_key):
        raise Problem(409, "Ta osoba już zagłosowała w tej edycji.", "This person has already voted in this edition.",
                      type_="https://glos.pl/problems/already-voted")
    card = PaperCard(edition_id=ballot.edition_id, card_number=card_number, voter_key=credential.voter_key,
                     district=credential.district, age=credential.age,
                     verification_level=credential.verification_level, status="handed_out", entries=[],
                     handed_out_by=official)
    session.add(card)
    try:
        session.flush()
    except IntegrityError:
        raise Problem(409, "Ta karta lub ta osoba ma już kartę w tej edycji.",
                      "This card number, or this person, already has a card in this edition.",
                      type_="https://glos.pl/problems/card-exists",
                      errors=[{"location": "json", "field": "card_number", "message": "Karta już wydana.",
                               "message_en": "Card already handed out."}]) from None
    _audit(session, official, "paper_card.handed_out", card, "voting point")
    return card


def _as_credential(card: PaperCard) -> VoterCredential:
    return VoterCredential(voter_key=card.voter_key, edition_id=card.edition_id, district=card.district,
                           age=card.age, verification_level=card.verification_level, channel="paper",
                           token_id=f"card:{card.card_number}")


def _comparable(ballot: BallotView, parts: list[dict]) -> list:
    """Two keyings of one card agree when they name the same choices; order matters only for ranked parts."""
    kinds = {a["area_id"]: ballot.rules[a["kind"]]["type"] for a in ballot.areas}
    return sorted((p["area_id"], [(c["project_id"], c["points"]) for c in p["choices"]]
                   if kinds[p["area_id"]] == "ordinal" else
                   sorted((c["project_id"], c["points"]) for c in p["choices"])) for p in parts)


def key_entry(session: Session, claims, vote_log, ballot: BallotView, card_number: str, parts: list[dict],
              *, official: str) -> PaperCard:
    card = _card(session, ballot.edition_id, card_number)
    if card.status not in ("handed_out", "keyed_once"):
        raise _final(card)
    normalised = validate_ballot(ballot, card.district, parts)
    if any(entry["keyed_by"] == official for entry in card.entries):
        raise Problem(409, "Drugie wprowadzenie karty musi wykonać inny urzędnik.",
                      "The second keying of a card must be done by another official.",
                      type_="https://glos.pl/problems/same-keyer")
    card.entries = [*card.entries, {"keyed_by": official, "parts": normalised}]
    if len(card.entries) == 1:
        card.status = "keyed_once"
        _audit(session, official, "paper_card.keyed", card, "first keying")
        return card
    _audit(session, official, "paper_card.keyed", card, "second keying")
    first, second = (_comparable(ballot, e["parts"]) for e in card.entries)
    if first != second:
        card.status = "mismatch"
        return card
    _accept(session, claims, vote_log, ballot, card, normalised)
    return card


def _accept(session: Session, claims, vote_log, ballot: BallotView, card: PaperCard, parts: list[dict]) -> None:
    try:
        receipt, _ = voting.cast(claims, vote_log, ballot, _as_credential(card), parts,
                                 f"paper-card:{card.card_number}", cast_at=card.handed_out_at)
    except Problem as refused:
        if refused.status != 409:
            raise
        if refused.type.endswith("/voted-in-both-channels"):
            card.status, card.invalid_reason = "invalid", "voted_online_too"
        else:
            card.status = "already_voted"
        return
    card.status, card.receipt = "accepted", receipt["receipt"]


def mark_invalid(session: Session, edition_id, card_number: str, *, reason: str, note: str, official: str) -> PaperCard:
    card = _card(session, edition_id, card_number)
    if card.status not in UNRESOLVED:
        raise _final(card)
    card.status, card.invalid_reason, card.note = "invalid", reason, note
    _audit(session, official, "paper_card.invalid", card, note, invalid_reason=reason)
    return card


def resolve(session: Session, claims, vote_log, ballot: BallotView, card_number: str, *,
            parts: list[dict] | None, invalid_reason: str | None, note: str, coordinator: str) -> PaperCard:
    """A coordinator decides a card whose two keyings differ: what the card says, or that it is invalid."""
    card = _card(session, ballot.edition_id, card_number)
    if card.status != "mismatch":
        raise Problem(409, "Koordynator rozstrzyga tylko karty z niezgodnymi wprowadzeniami.",
                      "A coordinator decides only cards whose keyings differ.",
                      type_="https://glos.pl/problems/card-not-in-dispute")
    card.resolved_by = coordinator
    if invalid_reason is not None:
        card.status, card.invalid_reason, card.note = "invalid", invalid_reason, note
        _audit(session, coordinator, "paper_card.resolved", card, note, outcome="invalid", invalid_reason=invalid_reason)
        return card
    normalised = validate_ballot(ballot, card.district, parts)
    _accept(session, claims, vote_log, ballot, card, normalised)
    _audit(session, coordinator, "paper_card.resolved", card, note, outcome=card.status)
    return card


def unresolved_count(session: Session, edition_id) -> int:
    return session.scalar(select(func.count()).select_from(PaperCard).where(PaperCard.edition_id == edition_id,
                                                                            PaperCard.status.in_(UNRESOLVED)))
