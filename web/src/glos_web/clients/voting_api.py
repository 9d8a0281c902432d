"""voting-svc: the frozen ballot, casting a vote, receipts and their proofs, paper cards, closing the voting, turnout
and results. Its requests as functions (the package says how they are called)."""

from __future__ import annotations

from ._service import Service, segment

_service = Service("voting")


def audit(**options):
    return _service.get("/audit", **options)


def ballot(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/ballot", **options)


def check_ballot(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/ballot/check", **options)


def close_voting(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/close", **options)


def closure(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/close", **options)


def outages(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/outages", **options)


def hand_out_paper_card(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/paper-cards", **options)


def paper_cards(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/paper-cards", **options)


def key_in_paper_card(edition_id, card_number, **options):
    return _service.send(
        "POST", f"/editions/{segment(edition_id)}/paper-cards/{segment(card_number)}/entries", **options)


def mark_paper_card_invalid(edition_id, card_number, **options):
    return _service.send(
        "POST", f"/editions/{segment(edition_id)}/paper-cards/{segment(card_number)}/invalid", **options)


def resolve_paper_card(edition_id, card_number, **options):
    return _service.send(
        "POST", f"/editions/{segment(edition_id)}/paper-cards/{segment(card_number)}/resolution", **options)


def receipt_effect(edition_id, receipt, **options):
    return _service.get(f"/editions/{segment(edition_id)}/receipts/{segment(receipt)}/effect", **options)


def receipt_proof(edition_id, receipt, **options):
    return _service.get(f"/editions/{segment(edition_id)}/receipts/{segment(receipt)}/proof", **options)


def publish_results(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/results", **options)


def results(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/results", **options)


def turnout(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/turnout", **options)


def turnout_by_age_band(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/turnout/age-bands", **options)


def cast_vote(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/votes", **options)


def my_vote(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/votes/mine", **options)
