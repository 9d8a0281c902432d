"""Who may take part and who may moderate — one test per rule, on the real stack through nginx."""

from __future__ import annotations

import pytest

from consultation_kit import api, consultation_db, new_consultation, resident, staff
from glos_testing import account_id_of

ONE_QUESTION = [{"code": "q1", "type": "scale", "text": "Jak ocenia Pan/Pani pomysł?", "required": True,
                 "spec": {"min": 1, "max": 5}}]


def _open_with_document(gateway, coordinator, **overrides):
    consultation = new_consultation(gateway, coordinator, **overrides)
    cid = consultation["id"]
    assert api(gateway, "PUT", f"/consultations/{cid}/survey", coordinator, json={"questions": ONE_QUESTION}).status_code == 200
    document = api(gateway, "POST", f"/consultations/{cid}/documents", coordinator,
                   json={"title": "Uchwała", "sections": [{"body": "§1. Treść."}]}).json()
    assert api(gateway, "POST", f"/consultations/{cid}/status", coordinator,
               json={"status": "open", "reason": "start"}).status_code == 200
    return cid, document["id"]


@pytest.fixture(scope="module")
def restricted(gateway, official_headers):
    return _open_with_document(gateway, official_headers)


def test_a_resident_outside_the_scope_cannot_take_part(gateway, official_headers, restricted):
    cid, did = restricted
    outsider, insider = resident(gateway, "Ligota"), resident(gateway, "Dąb")
    meeting = api(gateway, "POST", f"/consultations/{cid}/meetings", official_headers, json={
        "title": "Spotkanie", "place": "Szkoła", "capacity": 10, "starts_at": "2099-01-01T18:00:00+00:00",
        "registration_closes_at": "2099-01-01T12:00:00+00:00"}).json()
    for method, path, body in ((("POST", f"/consultations/{cid}/responses", {"answers": {"q1": 3}})),
                               ("POST", f"/consultations/{cid}/documents/{did}/comments", {"body": "Mam zdanie."}),
                               ("POST", f"/meetings/{meeting['id']}/registrations", None)):
        refused = api(gateway, method, path, outsider.headers, json=body)
        assert refused.status_code == 403 and "Dąb" in refused.json()["detail"], path
        assert api(gateway, method, path, insider.headers, json=body).status_code == 201, path
    assert api(gateway, "POST", f"/consultations/{cid}/responses", json={"answers": {"q1": 3}}).status_code == 401


def test_a_moderator_acts_only_on_their_own_consultations(gateway, official_headers, restricted):
    cid, did = restricted
    theirs = staff(gateway, official_headers, "moderator")
    other_cid, _ = _open_with_document(gateway, official_headers)
    api(gateway, "POST", f"/consultations/{other_cid}/moderators", official_headers,
        json={"account_id": theirs.account_id, "reason": "inna konsultacja"})
    comment = api(gateway, "POST", f"/consultations/{cid}/documents/{did}/comments", resident(gateway).headers,
                  json={"body": "Komentarz do moderacji."}).json()
    assert api(gateway, "GET", f"/consultations/{cid}/moderation-queue", theirs.headers).status_code == 403
    assert api(gateway, "POST", f"/comments/{comment['id']}/moderation", theirs.headers,
               json={"decision": "hide", "reason": "próba"}).status_code == 403
    assert api(gateway, "POST", f"/consultations/{cid}/meetings", theirs.headers, json={
        "title": "Nie moje", "place": "X", "capacity": 5, "starts_at": "2099-01-01T18:00:00+00:00",
        "registration_closes_at": "2099-01-01T12:00:00+00:00"}).status_code == 403
    assert api(gateway, "GET", f"/consultations/{other_cid}/moderation-queue", theirs.headers).status_code == 200
    assert consultation_db("SELECT status FROM comments WHERE id = :i", i=comment["id"])[0][0] == "published"


def test_anonymous_survey_responses_cannot_be_linked_to_a_person(gateway, official_headers):
    cid, _ = _open_with_document(gateway, official_headers, participation="anonymous_survey", scope_districts=[])
    person = resident(gateway, "Dąb")
    logged_in = api(gateway, "POST", f"/consultations/{cid}/responses", person.headers, json={"answers": {"q1": 4}})
    anonymous = api(gateway, "POST", f"/consultations/{cid}/responses", json={"answers": {"q1": 2}, "age_band": "30-44"})
    assert logged_in.status_code == 201 and anonymous.status_code == 201
    assert "id" not in logged_in.json() and "id" not in anonymous.json()  # nothing to come back with
    rows = consultation_db("SELECT row_to_json(r)::text FROM survey_responses r WHERE consultation_id = :c", c=cid)
    assert len(rows) == 2
    for (row,) in rows:
        assert person.account_id not in row and '"respondent":null' in row.replace(" ", "")
    assert not consultation_db("SELECT 1 FROM survey_responses WHERE consultation_id = :c AND district IS NOT NULL",
                               c=cid)  # not even the logged-in person's district was taken from their account
    token_subject = account_id_of(person.headers)
    assert not consultation_db("SELECT 1 FROM audit_log WHERE actor = :a OR details::text LIKE :p",
                               a=token_subject, p=f"%{token_subject}%")
    # abuse limit: at most 10 an hour from one address
    answers = [api(gateway, "POST", f"/consultations/{cid}/responses", json={"answers": {"q1": 1}}).status_code
               for _ in range(10)]
    assert answers.count(201) == 8 and answers.count(429) == 2


def test_bad_input_names_the_field_and_leaves_nothing(gateway, official_headers):
    before = consultation_db("SELECT count(*) FROM consultations")[0][0]
    r = api(gateway, "POST", "/consultations", official_headers, json={
        "subject": "Hm", "forms": ["referendum"], "participation": "wszyscy", "closes_at": "jutro", "flag_threshold": 0})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"subject", "forms.0", "participation", "closes_at",
                                                        "flag_threshold", "department"}
    assert consultation_db("SELECT count(*) FROM consultations")[0][0] == before


def test_the_scheduler_opens_and_closes_at_the_dates_and_comments_keep_their_section_version(gateway, official_headers):
    from datetime import UTC, datetime, timedelta

    from glos_testing import wait_until

    closes = datetime.now(UTC) + timedelta(seconds=12)
    consultation = new_consultation(gateway, official_headers, opens_at=(datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
                                    closes_at=closes.isoformat())
    cid = consultation["id"]
    document = api(gateway, "POST", f"/consultations/{cid}/documents", official_headers,
                   json={"title": "Uchwała", "sections": [{"anchor": "cel", "body": "Celem jest zieleń."}]}).json()
    wait_until(lambda: api(gateway, "GET", f"/consultations/{cid}").json()["status"] == "open", timeout=30,
               message="the scheduler opening the consultation at its date")
    person = resident(gateway)
    url = f"/consultations/{cid}/documents/{document['id']}/comments"
    first = api(gateway, "POST", url, person.headers, json={"section": "cel", "body": "Więcej drzew."}).json()
    revised = api(gateway, "PUT", f"/consultations/{cid}/documents/{document['id']}/sections/cel", official_headers,
                  json={"body": "Celem jest zieleń i cień.", "reason": "uwzględnienie uwag"})
    assert revised.status_code == 200 and revised.json()["version"] == 2
    second = api(gateway, "POST", url, person.headers, json={"section": "cel", "body": "Teraz lepiej."}).json()
    assert (first["section_version"], second["section_version"]) == (1, 2)
    wait_until(lambda: api(gateway, "GET", f"/consultations/{cid}").json()["status"] == "closed", timeout=40,
               message="the scheduler closing the consultation at its date")
    late = api(gateway, "POST", url, person.headers, json={"section": "cel", "body": "Spóźniona uwaga."})
    assert late.status_code == 409
    kinds = [r[0] for r in consultation_db("SELECT event_type FROM outbox WHERE key = :k ORDER BY id", k=cid)]
    assert kinds.index("consultation.opened") < kinds.index("consultation.closed")
    assert len(consultation_db("SELECT 1 FROM remarks WHERE consultation_id = :c AND kind = 'comment'", c=cid)) == 2


def test_the_banned_word_list_ships_and_coordinators_edit_it(gateway, official_headers):
    moderator = staff(gateway, official_headers, "moderator")
    shipped = {w["stem"] for w in api(gateway, "GET", "/banned-words", moderator.headers).json()}
    assert {"kurw", "chuj", "pierdol"} <= shipped  # the Polish list that ships with the project
    assert api(gateway, "POST", "/banned-words", moderator.headers, json={"stem": "betonoz"}).status_code == 403
    assert api(gateway, "POST", "/banned-words", official_headers, json={"stem": "Betonoz"}).status_code == 201
    cid, did = _open_with_document(gateway, official_headers)
    person = resident(gateway)
    held = api(gateway, "POST", f"/consultations/{cid}/documents/{did}/comments", person.headers,
               json={"body": "Znowu ta betonoza na placu!"}).json()
    assert held["status"] == "pending" and held["held_for"] == "banned_words"
    assert api(gateway, "DELETE", "/banned-words/betonoz", official_headers).status_code == 204
    for stem in ("beton/oza", "bet oza", "ab", "be-ton", "12"):  # could never match a word, nor be deleted by URL
        r = api(gateway, "POST", "/banned-words", official_headers, json={"stem": stem})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "stem", (stem, r.text)
    assert api(gateway, "POST", "/banned-words", official_headers, json={"stem": "Żółć"}).status_code == 201
    assert api(gateway, "DELETE", "/banned-words/%C5%BC%C3%B3%C5%82%C4%87", official_headers).status_code == 204
    assert api(gateway, "POST", f"/consultations/{cid}/documents/{did}/comments", person.headers,
               json={"body": "Znowu ta betonoza na placu!"}).json()["status"] == "published"


def test_a_response_cannot_be_changed_when_the_consultation_says_so(gateway, official_headers):
    cid, _ = _open_with_document(gateway, official_headers, responses_editable=False)
    person = resident(gateway)
    assert api(gateway, "POST", f"/consultations/{cid}/responses", person.headers,
               json={"answers": {"q1": 2}}).status_code == 201
    again = api(gateway, "POST", f"/consultations/{cid}/responses", person.headers, json={"answers": {"q1": 5}})
    assert again.status_code == 409
    assert consultation_db("SELECT answers->>'q1' FROM survey_responses WHERE consultation_id = :c", c=cid) == [("2",)]
