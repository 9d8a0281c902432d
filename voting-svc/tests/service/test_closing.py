"""Closing the voting while paper cards are unfinished (issue 27, 7): the close went through without a word and
publishing the results was then blocked. Now the close names the unfinished cards and asks; confirmed, it
closes (the cards can still be keyed — their cast time is when they were handed out) and the audit says how
many were open. The cards are put in place as the hand-out leaves them (the hand-out itself, with identity's
credential, is walked on the platform)."""

from __future__ import annotations

from voting_service_kit import api


def card(svc, edition: str, number: str, status: str) -> None:
    with svc.database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO paper_cards (edition_id, card_number, voter_key, district, age, verification_level, status, "
            "entries, handed_out_by) VALUES (%(e)s, %(n)s, %(k)s, 'Dąb', 40, 'in_person', %(s)s, '[]', 'urzednik')",
            {"e": edition, "n": number, "k": number.rjust(64, "0"), "s": status})


def test_a_close_with_unfinished_paper_cards_names_them_and_asks(svc, published, official):
    edition, _ = published
    card(svc, edition, "K-001", "handed_out")
    card(svc, edition, "K-002", "mismatch")
    card(svc, edition, "K-003", "accepted")
    unfinished = api(svc, "GET", f"/editions/{edition}/paper-cards", official.headers, params={"status": "unfinished"})
    assert [c["card_number"] for c in unfinished.json] == ["K-001", "K-002"]

    asked = api(svc, "POST", f"/editions/{edition}/close", official.headers, json={"reason": "koniec głosowania"})
    assert asked.status_code == 409 and asked.json["type"].endswith("/paper-cards-unfinished")
    assert "Nierozstrzygnięte karty papierowe: 2." in asked.json["detail"]
    assert api(svc, "GET", f"/editions/{edition}/close").status_code == 404  # still open

    closed = api(svc, "POST", f"/editions/{edition}/close", official.headers,
                 json={"reason": "koniec głosowania", "confirm_unfinished_cards": True})
    assert closed.status_code == 201, closed.json
    (details,) = svc.database.rows("SELECT details FROM audit_log WHERE action = 'edition.voting_closed'")[0]
    assert details == {"unfinished_paper_cards": 2}


def test_with_every_card_finished_the_close_does_not_ask(svc, published, official):
    edition, _ = published
    card(svc, edition, "K-010", "accepted")
    card(svc, edition, "K-011", "invalid")
    assert api(svc, "POST", f"/editions/{edition}/close", official.headers,
               json={"reason": "koniec głosowania"}).status_code == 201
