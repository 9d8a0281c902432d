"""Paper ballots at a voting point (on-behalf credential → card → double keying → coordinator), the edition's
rule for a person who votes both online and on paper (first counts / Warsaw's all invalid), and re-voting.
All on the real stack through nginx; the tally is read from voting-svc's database."""

from __future__ import annotations

import uuid

import requests

from glos_testing import login, make_pesel, seed_account, wait_until
from voting_kit import cast, new_election, new_resident, online_credential, part, recount, voting_db


def second_official(gateway) -> dict:
    email = f"urzednik-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email, "haslo-urzednika-123456", roles="pb_official")
    return {"Authorization": f"Bearer {login(gateway, email, 'haslo-urzednika-123456')}"}


def on_behalf(gateway, edition, official_headers, pesel) -> requests.Response:
    return requests.post(f"{gateway}/api/identity/editions/{edition}/credential/on-behalf", json={"pesel": pesel},
                         headers=official_headers, timeout=10)


def hand_out(gateway, edition, official_headers, pesel, card_number) -> requests.Response:
    credential = on_behalf(gateway, edition, official_headers, pesel)
    assert credential.status_code == 201, credential.text
    return requests.post(f"{gateway}/api/voting/editions/{edition}/paper-cards", headers=official_headers, timeout=10,
                         json={"card_number": card_number, "credential": credential.json()["credential"]})


def key(gateway, edition, headers, card_number, parts) -> requests.Response:
    return requests.post(f"{gateway}/api/voting/editions/{edition}/paper-cards/{card_number}/entries",
                         json={"parts": parts}, headers=headers, timeout=20)


def standing(edition, receipt_or_key) -> list:
    return voting_db("SELECT status, channel FROM ballot_records WHERE edition_id = :e AND "
                     "(receipt = :k OR voter_key = :k) ORDER BY recorded_at", e=edition, k=receipt_or_key)


def points(edition, project_id) -> int:
    rows = voting_db("SELECT points FROM project_tallies WHERE edition_id = :e AND project_id = :p",
                     e=edition, p=project_id)
    return rows[0][0] if rows else 0


def test_a_paper_card_is_keyed_twice_and_mismatches_go_to_a_coordinator(gateway, official_headers, resident_headers):
    election = new_election(gateway, official_headers)
    edition, city, dab = election["edition"], election["city"], election["dab"]
    other = second_official(gateway)
    url = f"{gateway}/api/voting/editions/{edition}/paper-cards"

    # card 1: two officials agree (choices keyed in a different order) → accepted into the vote log
    assert hand_out(gateway, edition, official_headers, new_resident(gateway).pesel, "K-0001").status_code == 201
    parts = [part(city, 2, 1), part(dab, 1)]
    first = key(gateway, edition, official_headers, "K-0001", parts)
    assert first.status_code == 200 and first.json()["status"] == "keyed_once"
    same_keyer = key(gateway, edition, official_headers, "K-0001", parts)
    assert same_keyer.status_code == 409 and same_keyer.json()["type"].endswith("/same-keyer")
    reordered = [{"area_id": city["area_id"], "choices": list(reversed(parts[0]["choices"]))}, parts[1]]
    second = key(gateway, edition, other, "K-0001", reordered)
    assert second.status_code == 200 and second.json()["status"] == "accepted", second.text
    receipt = second.json()["receipt"]
    wait_until(lambda: standing(edition, receipt) == [("counted", "paper")], message="the paper ballot tallied")

    # card 2: the officials read it differently → the coordinator's queue → decided from the card
    assert hand_out(gateway, edition, official_headers, new_resident(gateway).pesel, "K-0002").status_code == 201
    assert key(gateway, edition, official_headers, "K-0002", [part(city, 3)]).status_code == 200
    disputed = key(gateway, edition, other, "K-0002", [part(city, 2)])
    assert disputed.json()["status"] == "mismatch"
    queue = requests.get(url, params={"status": "mismatch"}, headers=official_headers, timeout=10).json()
    assert [c["card_number"] for c in queue] == ["K-0002"] and len(queue[0]["entries"]) == 2
    resident_token = resident_headers
    assert requests.post(f"{url}/K-0002/resolution", json={"parts": [part(city, 3)], "note": "karta czytelna: 3 pkt"},
                         headers=resident_token, timeout=10).status_code == 403
    decided = requests.post(f"{url}/K-0002/resolution", json={"parts": [part(city, 3)], "note": "karta: 3 pkt"},
                            headers=official_headers, timeout=20)
    assert decided.status_code == 200 and decided.json()["status"] == "accepted", decided.text

    # card 3: unsigned → invalid with its reason, and settled
    assert hand_out(gateway, edition, official_headers, new_resident(gateway).pesel, "K-0003").status_code == 201
    invalid = requests.post(f"{url}/K-0003/invalid", json={"reason": "unsigned", "note": "brak podpisu"},
                            headers=official_headers, timeout=10)
    assert invalid.status_code == 200 and invalid.json()["invalid_reason"] == "unsigned"
    assert key(gateway, edition, other, "K-0003", [part(city, 1)]).status_code == 409
    bad_reason = requests.post(f"{url}/K-0003/invalid", json={"reason": "ugly", "note": "x"}, headers=official_headers,
                               timeout=10)
    assert bad_reason.status_code == 422 and {e["field"] for e in bad_reason.json()["errors"]} >= {"reason"}

    # a card over the limit is refused at keying (422 naming the part), a keyed card is not changed by it
    assert hand_out(gateway, edition, official_headers, new_resident(gateway).pesel, "K-0004").status_code == 201
    over = key(gateway, edition, official_headers, "K-0004", [part(city, 2, 2)])
    assert over.status_code == 422 and "parts.0.choices" in [e["field"] for e in over.json()["errors"]]
    card = next(c for c in requests.get(url, headers=official_headers, timeout=10).json() if c["card_number"] == "K-0004")
    assert card["status"] == "handed_out" and card["entries"] == []

    # one card per number and per person; residents cannot hand out cards
    taken = hand_out(gateway, edition, official_headers, new_resident(gateway).pesel, "K-0001")
    assert taken.status_code == 409
    assert requests.get(url, headers=resident_token, timeout=10).status_code == 403

    wait_until(lambda: points(edition, city["projects"][0]["proposal_id"]) == 2 + 3, message="paper points tallied")
    turnout = requests.get(f"{gateway}/api/voting/editions/{edition}/turnout", timeout=10).json()
    assert {"area_id": city["area_id"], "channel": "paper", "voters": 2} in turnout
    actions = [row[0] for row in voting_db("SELECT action FROM audit_log WHERE target LIKE :t ORDER BY id",
                                           t=f"{edition}/%")]
    assert actions.count("paper_card.handed_out") == 4 and "paper_card.resolved" in actions \
        and "paper_card.invalid" in actions and actions.count("paper_card.keyed") == 4


def test_a_person_in_the_register_without_an_account_gets_a_card(gateway, official_headers):
    election = new_election(gateway, official_headers)
    edition = election["edition"]
    pesel = make_pesel(1961, 3, 14, uuid.uuid4().int % 10000)
    census = requests.post(f"{gateway}/api/identity/census", params={"reason": "rejestr do głosowania"},
                           data=f"pesel;first_name;last_name;district\n{pesel};Anna;Nowak;Dąb\n".encode(),
                           headers={**official_headers, "Content-Type": "text/csv"}, timeout=30)
    assert census.status_code == 200, census.text
    card = hand_out(gateway, edition, official_headers, pesel, "R-0001")
    assert card.status_code == 201 and card.json()["district"] == "Dąb"
    unknown = on_behalf(gateway, edition, official_headers, make_pesel(1962, 4, 15, 4321))
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["field"] == "pesel"
    online = requests.post(f"{gateway}/api/voting/editions/{edition}/paper-cards", headers=official_headers,
                           json={"card_number": "R-0002", "credential": online_credential(
                               gateway, edition, new_resident(gateway))}, timeout=10)
    assert online.status_code == 422 and online.json()["errors"][0]["field"] == "credential"


def test_online_then_paper_when_the_first_ballot_counts(gateway, official_headers):
    election = new_election(gateway, official_headers, paper_and_online="first_counts")
    edition, city = election["edition"], election["city"]
    other = second_official(gateway)

    voted_online = new_resident(gateway)
    assert cast(gateway, edition, online_credential(gateway, edition, voted_online), [part(city, 1)]).status_code == 201
    refused = hand_out(gateway, edition, official_headers, voted_online.pesel, "F-0001")
    assert refused.status_code == 409 and refused.json()["type"].endswith("/already-voted")

    # the card was handed out first, then the person voted online: the online ballot came first and counts
    person = new_resident(gateway)
    assert hand_out(gateway, edition, official_headers, person.pesel, "F-0002").status_code == 201
    online = cast(gateway, edition, online_credential(gateway, edition, person), [part(city, 0, 1)])
    assert online.status_code == 201
    assert key(gateway, edition, official_headers, "F-0002", [part(city, 3)]).status_code == 200
    card = key(gateway, edition, other, "F-0002", [part(city, 3)])
    assert card.json()["status"] == "already_voted" and card.json()["receipt"] is None
    # and the other way round: a paper ballot keyed first, then an online attempt
    paper_first = new_resident(gateway)
    assert hand_out(gateway, edition, official_headers, paper_first.pesel, "F-0003").status_code == 201
    assert key(gateway, edition, official_headers, "F-0003", [part(city, 3)]).status_code == 200
    assert key(gateway, edition, other, "F-0003", [part(city, 3)]).json()["status"] == "accepted"
    late_online = cast(gateway, edition, online_credential(gateway, edition, paper_first), [part(city, 1)])
    assert late_online.status_code == 409 and late_online.json()["type"].endswith("/already-voted")

    wait_until(lambda: points(edition, city["projects"][0]["proposal_id"]) == 1 + 3, message="tally")
    assert points(edition, city["projects"][1]["proposal_id"]) == 1  # the online ballot of `person`
    statuses = voting_db("SELECT channel, status FROM ballot_records WHERE edition_id = :e ORDER BY channel, status",
                         e=edition)
    assert statuses == [("online", "counted"), ("online", "counted"), ("paper", "counted")]


def test_online_and_paper_when_all_ballots_are_invalid(gateway, official_headers):
    election = new_election(gateway, official_headers, paper_and_online="all_invalid")
    edition, city = election["edition"], election["city"]
    other = second_official(gateway)

    person = new_resident(gateway)  # card first, online vote, then the card keyed: both void
    assert hand_out(gateway, edition, official_headers, person.pesel, "W-0001").status_code == 201
    assert cast(gateway, edition, online_credential(gateway, edition, person), [part(city, 3)]).status_code == 201
    assert key(gateway, edition, official_headers, "W-0001", [part(city, 1, 1)]).status_code == 200
    card = key(gateway, edition, other, "W-0001", [part(city, 1, 1)])
    assert card.json()["status"] == "invalid" and card.json()["invalid_reason"] == "voted_online_too"

    paper_first = new_resident(gateway)  # paper accepted, then an online ballot: both void, the voter is told
    assert hand_out(gateway, edition, official_headers, paper_first.pesel, "W-0002").status_code == 201
    assert key(gateway, edition, official_headers, "W-0002", [part(city, 0, 0, 2)]).status_code == 200
    assert key(gateway, edition, other, "W-0002", [part(city, 0, 0, 2)]).json()["status"] == "accepted"
    both = cast(gateway, edition, online_credential(gateway, edition, paper_first), [part(city, 0, 0, 1)])
    assert both.status_code == 409 and both.json()["type"].endswith("/voted-in-both-channels")

    honest = new_resident(gateway)  # one ballot, one channel: counts
    assert cast(gateway, edition, online_credential(gateway, edition, honest), [part(city, 0, 0, 0, 1)]).status_code == 201

    def settled():
        rows = voting_db("SELECT status, count(*) FROM ballot_records WHERE edition_id = :e GROUP BY status", e=edition)
        return dict(rows) == {"invalid": 4, "counted": 1} and dict(rows)
    wait_until(settled, message="all four ballots of the two double voters void")
    assert [points(edition, p["proposal_id"]) for p in city["projects"][:4]] == [0, 0, 0, 1]
    assert voting_db("SELECT count(*) FROM votes WHERE edition_id = :e AND status = 'invalid'", e=edition)[0][0] == 2
    assert "vote log: 1 ballots; database: 1 ballots" in recount(edition)  # the replay applies the same rule


def test_revoting_the_last_ballot_counts(gateway, official_headers):
    election = new_election(gateway, official_headers, revoting=True)
    edition, city = election["edition"], election["city"]
    credential = online_credential(gateway, edition, new_resident(gateway))
    first = cast(gateway, edition, credential, [part(city, 3)], key="pierwszy-glos-1")
    second = cast(gateway, edition, credential, [part(city, 0, 3)], key="drugi-glos-22")
    assert first.status_code == second.status_code == 201
    assert first.json()["receipt"] != second.json()["receipt"]
    retry = cast(gateway, edition, credential, [part(city, 3)], key="pierwszy-glos-1")
    assert retry.status_code == 200 and retry.json() == first.json()  # the same receipt, not a third ballot
    p0, p1 = city["projects"][0]["proposal_id"], city["projects"][1]["proposal_id"]
    wait_until(lambda: points(edition, p1) == 3, message="the second ballot tallied")
    assert points(edition, p0) == 0
    assert standing(edition, first.json()["receipt"]) == [("superseded", "online")]
    assert standing(edition, second.json()["receipt"]) == [("counted", "online")]
    turnout = requests.get(f"{gateway}/api/voting/editions/{edition}/turnout", timeout=10).json()
    assert turnout == [{"area_id": city["area_id"], "channel": "online", "voters": 1}]
    assert "vote log: 1 ballots; database: 1 ballots; 0 project(s) differ" in recount(edition)
