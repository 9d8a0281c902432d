"""`GET /editions/{id}/votes/mine` (issue 23, 2): whether a voter key has a ballot in the edition, asked with
identity-svc's one-minute status pass — so the site says "you have voted", with the receipt, after a new login
or a vote from another device. A status pass is never a credential to vote. The answers come from the vote
claims, the vote path's durable record (the claims themselves are written by the vote path, tested on the
platform; here they are put in place as it leaves them)."""

from __future__ import annotations

import uuid

from voting_service_kit import api

VOTER = "ab12" * 16


def status_pass(svc, edition: str, voter_key: str = VOTER, **overrides) -> dict:
    claims = {"aud": "glos-voting", "typ": "voter-status", "edition_id": edition, **overrides}
    return {"Authorization": f"Bearer {svc.keys.token(voter_key, (), ttl_s=60, **claims)}"}


def claim(svc, edition: str, state: str, receipt: str, voter_key: str = VOTER) -> None:
    with svc.database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO vote_claims (edition_id, voter_key, receipt, idempotency_key, channel, cast_at, state) "
            "VALUES (%(e)s, %(k)s, %(r)s, 'key-12345678', 'online', '2027-05-20T18:59:00+00', %(s)s)",
            {"e": edition, "k": voter_key, "r": receipt, "s": state})


def test_an_accepted_ballot_is_answered_with_its_receipt(svc, published):
    edition, _ = published
    claim(svc, edition, "accepted", "c0ffee" + "0" * 26)
    mine = api(svc, "GET", f"/editions/{edition}/votes/mine", headers=status_pass(svc, edition))
    assert mine.status_code == 200, mine.text
    assert mine.json == {"state": "accepted", "channel": "online", "receipt": "c0ffee" + "0" * 26,
                         "edition_id": edition, "cast_at": "2027-05-20T18:59:00+00:00"}


def test_no_ballot_a_ballot_being_cast_and_a_voided_one(svc, published):
    edition, _ = published
    none = api(svc, "GET", f"/editions/{edition}/votes/mine", headers=status_pass(svc, edition))
    assert none.status_code == 404 and none.json["type"].endswith("/no-ballot")
    claim(svc, edition, "pending", "1" * 32)
    pending = api(svc, "GET", f"/editions/{edition}/votes/mine", headers=status_pass(svc, edition))
    assert pending.json == {"state": "pending", "channel": "online"}  # no receipt for what is not in the log yet
    other = "cd34" * 16
    claim(svc, edition, "voided", "2" * 32, voter_key=other)
    voided = api(svc, "GET", f"/editions/{edition}/votes/mine", headers=status_pass(svc, edition, other))
    assert voided.json == {"state": "voided", "channel": "online"}


def test_the_pass_speaks_for_one_voter_in_one_edition_and_casts_nothing(svc, published):
    edition, data = published
    city = data["areas"][0]
    claim(svc, edition, "accepted", "3" * 32)
    elsewhere = api(svc, "GET", f"/editions/{edition}/votes/mine", headers=status_pass(svc, edition,
                                                                                         edition_id=str(uuid.uuid4())))
    assert elsewhere.status_code == 403
    access_token = api(svc, "GET", f"/editions/{edition}/votes/mine", headers=svc.keys.headers(VOTER))
    assert access_token.status_code == 401  # a login's token is for another audience
    not_a_pass = api(svc, "GET", f"/editions/{edition}/votes/mine", headers=status_pass(svc, edition, typ="other"))
    assert not_a_pass.status_code == 401
    # and a status pass cannot cast: the vote path takes only voter credentials
    cast = api(svc, "POST", f"/editions/{edition}/votes", headers={**status_pass(svc, edition),
                                                                    "Idempotency-Key": "status-pass-1"},
               json={"parts": [{"area_id": city["area_id"],
                                "choices": [{"project_id": city["projects"][0]["proposal_id"]}]}]})
    assert cast.status_code == 401 and cast.json["type"].endswith("/invalid-credential")
