"""Who may take part and who may moderate — one test per rule, against consultation-svc's own app and database."""

from __future__ import annotations

import pytest

from consultation_svc import consultations
from consultation_service_kit import api, new_consultation, resident

ONE_QUESTION = [{"code": "q1", "type": "scale", "text": "Jak ocenia Pan/Pani pomysł?", "required": True,
                 "spec": {"min": 1, "max": 5}}]


def _open_with_document(svc, coordinator, **overrides):
    consultation = new_consultation(svc, coordinator, **overrides)
    cid = consultation["id"]
    assert api(svc, "PUT", f"/consultations/{cid}/survey", coordinator, json={"questions": ONE_QUESTION}).status_code == 200
    document = api(svc, "POST", f"/consultations/{cid}/documents", coordinator,
                   json={"title": "Uchwała", "sections": [{"body": "§1. Treść."}]}).json
    assert api(svc, "POST", f"/consultations/{cid}/status", coordinator,
               json={"status": "open", "reason": "start"}).status_code == 200
    return cid, document["id"]


@pytest.fixture
def restricted(svc, official):
    return _open_with_document(svc, official.headers)


def test_a_resident_outside_the_scope_cannot_take_part(svc, official, restricted):
    cid, did = restricted
    outsider, insider = resident(svc, "Ligota"), resident(svc, "Dąb")
    meeting = api(svc, "POST", f"/consultations/{cid}/meetings", official.headers, json={
        "title": "Spotkanie", "place": "Szkoła", "capacity": 10, "starts_at": "2099-01-01T18:00:00+00:00",
        "registration_closes_at": "2099-01-01T12:00:00+00:00"}).json
    for method, path, body in ((("POST", f"/consultations/{cid}/responses", {"answers": {"q1": 3}})),
                               ("POST", f"/consultations/{cid}/documents/{did}/comments", {"body": "Mam zdanie."}),
                               ("POST", f"/meetings/{meeting['id']}/registrations", None)):
        refused = api(svc, method, path, outsider.headers, json=body)
        assert refused.status_code == 403 and "Dąb" in refused.json["detail"], path
        assert api(svc, method, path, insider.headers, json=body).status_code == 201, path
    assert api(svc, "POST", f"/consultations/{cid}/responses", json={"answers": {"q1": 3}}).status_code == 401


def test_a_moderator_acts_only_on_their_own_consultations(svc, official, restricted):
    cid, did = restricted
    theirs = svc.caller("moderator")
    other_cid, _ = _open_with_document(svc, official.headers)
    api(svc, "POST", f"/consultations/{other_cid}/moderators", official.headers,
        json={"account_id": theirs.account_id, "reason": "inna konsultacja"})
    comment = api(svc, "POST", f"/consultations/{cid}/documents/{did}/comments", resident(svc).headers,
                  json={"body": "Komentarz do moderacji."}).json
    assert api(svc, "GET", f"/consultations/{cid}/moderation-queue", theirs.headers).status_code == 403
    assert api(svc, "POST", f"/comments/{comment['id']}/moderation", theirs.headers,
               json={"decision": "hide", "reason": "próba"}).status_code == 403
    assert api(svc, "POST", f"/consultations/{cid}/meetings", theirs.headers, json={
        "title": "Nie moje", "place": "X", "capacity": 5, "starts_at": "2099-01-01T18:00:00+00:00",
        "registration_closes_at": "2099-01-01T12:00:00+00:00"}).status_code == 403
    assert api(svc, "GET", f"/consultations/{other_cid}/moderation-queue", theirs.headers).status_code == 200
    assert svc.database.rows("SELECT status FROM comments WHERE id = :i", i=comment["id"])[0][0] == "published"


def test_anonymous_survey_responses_cannot_be_linked_to_a_person(svc, official):
    cid, _ = _open_with_document(svc, official.headers, participation="anonymous_survey", scope_districts=[])
    person = resident(svc, "Dąb")
    logged_in = api(svc, "POST", f"/consultations/{cid}/responses", person.headers, json={"answers": {"q1": 4}})
    anonymous = api(svc, "POST", f"/consultations/{cid}/responses", json={"answers": {"q1": 2}, "age_band": "30-44"})
    assert logged_in.status_code == 201 and anonymous.status_code == 201
    assert "id" not in logged_in.json and "id" not in anonymous.json  # nothing to come back with
    rows = svc.database.rows("SELECT row_to_json(r)::text FROM survey_responses r WHERE consultation_id = :c", c=cid)
    assert len(rows) == 2
    for (row,) in rows:
        assert person.account_id not in row and '"respondent":null' in row.replace(" ", "")
    assert not svc.database.rows("SELECT 1 FROM survey_responses WHERE consultation_id = :c AND district IS NOT NULL",
                               c=cid)  # not even the logged-in person's district was taken from their account
    token_subject = person.account_id
    assert not svc.database.rows("SELECT 1 FROM audit_log WHERE actor = :a OR details::text LIKE :p",
                               a=token_subject, p=f"%{token_subject}%")
    # abuse limit: at most 10 an hour from one address
    answers = [api(svc, "POST", f"/consultations/{cid}/responses", json={"answers": {"q1": 1}}).status_code
               for _ in range(10)]
    assert answers.count(201) == 8 and answers.count(429) == 2


def test_bad_input_names_the_field_and_leaves_nothing(svc, official):
    before = svc.database.rows("SELECT count(*) FROM consultations")[0][0]
    r = api(svc, "POST", "/consultations", official.headers, json={
        "subject": "Hm", "forms": ["referendum"], "participation": "wszyscy", "closes_at": "jutro", "flag_threshold": 0})
    assert r.status_code == 422
    assert {e["field"] for e in r.json["errors"]} == {"subject", "forms.0", "participation", "closes_at",
                                                        "flag_threshold", "department"}
    assert svc.database.rows("SELECT count(*) FROM consultations")[0][0] == before


def test_the_scheduler_opens_and_closes_at_the_dates_and_comments_keep_their_section_version(svc, official,
                                                                                           monkeypatch):
    from datetime import UTC, datetime, timedelta

    closes = datetime.now(UTC) + timedelta(seconds=12)
    consultation = new_consultation(svc, official.headers, opens_at=(datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
                                    closes_at=closes.isoformat())
    cid = consultation["id"]
    document = api(svc, "POST", f"/consultations/{cid}/documents", official.headers,
                   json={"title": "Uchwała", "sections": [{"anchor": "cel", "body": "Celem jest zieleń."}]}).json
    assert consultations.advance_due(svc.sessions) == 1  # one pass of the worker's scheduler
    assert api(svc, "GET", f"/consultations/{cid}").json["status"] == "open"
    person = resident(svc)
    url = f"/consultations/{cid}/documents/{document['id']}/comments"
    first = api(svc, "POST", url, person.headers, json={"section": "cel", "body": "Więcej drzew."}).json
    revised = api(svc, "PUT", f"/consultations/{cid}/documents/{document['id']}/sections/cel", official.headers,
                  json={"body": "Celem jest zieleń i cień.", "reason": "uwzględnienie uwag"})
    assert revised.status_code == 200 and revised.json["version"] == 2
    second = api(svc, "POST", url, person.headers, json={"section": "cel", "body": "Teraz lepiej."}).json
    assert (first["section_version"], second["section_version"]) == (1, 2)
    assert consultations.advance_due(svc.sessions) == 0  # not yet
    monkeypatch.setattr(consultations, "now", lambda: closes + timedelta(seconds=1))  # the clock past closes_at
    assert consultations.advance_due(svc.sessions) == 1
    assert api(svc, "GET", f"/consultations/{cid}").json["status"] == "closed"
    late = api(svc, "POST", url, person.headers, json={"section": "cel", "body": "Spóźniona uwaga."})
    assert late.status_code == 409
    kinds = [r[0] for r in svc.database.rows("SELECT event_type FROM outbox WHERE key = :k ORDER BY id", k=cid)]
    assert kinds.index("consultation.opened") < kinds.index("consultation.closed")
    assert len(svc.database.rows("SELECT 1 FROM remarks WHERE consultation_id = :c AND kind = 'comment'", c=cid)) == 2


def test_the_banned_word_list_ships_and_coordinators_edit_it(svc, official):
    moderator = svc.caller("moderator")
    shipped = {w["stem"] for w in api(svc, "GET", "/banned-words", moderator.headers).json}
    assert {"kurw", "chuj", "pierdol"} <= shipped  # the Polish list that ships with the project
    assert api(svc, "POST", "/banned-words", moderator.headers, json={"stem": "betonoz"}).status_code == 403
    assert api(svc, "POST", "/banned-words", official.headers, json={"stem": "Betonoz"}).status_code == 201
    cid, did = _open_with_document(svc, official.headers)
    person = resident(svc)
    held = api(svc, "POST", f"/consultations/{cid}/documents/{did}/comments", person.headers,
               json={"body": "Znowu ta betonoza na placu!"}).json
    assert held["status"] == "pending" and held["held_for"] == "banned_words"
    assert api(svc, "DELETE", "/banned-words/betonoz", official.headers).status_code == 204
    for stem in ("beton/oza", "bet oza", "ab", "be-ton", "12"):  # could never match a word, nor be deleted by URL
        r = api(svc, "POST", "/banned-words", official.headers, json={"stem": stem})
        assert r.status_code == 422 and r.json["errors"][0]["field"] == "stem", (stem, r.text)
    assert api(svc, "POST", "/banned-words", official.headers, json={"stem": "Żółć"}).status_code == 201
    assert api(svc, "DELETE", "/banned-words/%C5%BC%C3%B3%C5%82%C4%87", official.headers).status_code == 204
    assert api(svc, "POST", f"/consultations/{cid}/documents/{did}/comments", person.headers,
               json={"body": "Znowu ta betonoza na placu!"}).json["status"] == "published"


def test_a_response_cannot_be_changed_when_the_consultation_says_so(svc, official):
    cid, _ = _open_with_document(svc, official.headers, responses_editable=False)
    person = resident(svc)
    assert api(svc, "POST", f"/consultations/{cid}/responses", person.headers,
               json={"answers": {"q1": 2}}).status_code == 201
    again = api(svc, "POST", f"/consultations/{cid}/responses", person.headers, json={"answers": {"q1": 5}})
    assert again.status_code == 409
    assert svc.database.rows("SELECT answers->>'q1' FROM survey_responses WHERE consultation_id = :c", c=cid) == [("2",)]
