"""What the site reads besides the walk's endpoints: the announcement changed before the opening (audited, refused
once open), one's own response and registration with the waitlist place, a document thread's counts and `mine`,
and the remarks public only once the report is published."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from consultation_service_kit import api, new_consultation, resident


def test_the_announcement_changes_only_before_the_opening(svc, official):
    c = new_consultation(svc, official.headers)
    cid = c["id"]
    refused = api(svc, "PATCH", f"/consultations/{cid}", official.headers, json={"scope_districts": ["Załęże"]})
    assert refused.status_code == 422 and {e["field"] for e in refused.json["errors"]} == {"reason"}
    early = api(svc, "PATCH", f"/consultations/{cid}", official.headers, json={
        "closes_at": (datetime.now(UTC) - timedelta(days=400)).isoformat(), "opens_at": datetime.now(UTC).isoformat(),
        "reason": "pomyłka"})
    assert early.status_code == 422 and early.json["errors"][0]["field"] == "closes_at"
    changed = api(svc, "PATCH", f"/consultations/{cid}", official.headers,
                  json={"scope_districts": ["Dąb", "Załęże"], "reason": "park na granicy osiedli"})
    assert changed.status_code == 200 and changed.json["scope_districts"] == ["Dąb", "Załęże"]
    assert changed.json["subject"] == c["subject"]  # what was not sent stays
    (audit,) = svc.database.rows("SELECT reason, details FROM audit_log WHERE action = 'consultation.edited' "
                               "AND target = :t", t=cid)
    assert audit[0] == "park na granicy osiedli"
    assert audit[1]["changed"] == {"scope_districts": {"before": ["Dąb"], "after": ["Dąb", "Załęże"]}}
    resident_headers = resident(svc).headers
    assert api(svc, "PATCH", f"/consultations/{cid}", resident_headers,
               json={"subject": "Przejęte konsultacje", "reason": "bo tak"}).status_code == 403
    assert api(svc, "POST", f"/consultations/{cid}/status", official.headers,
               json={"status": "open", "reason": "start"}).status_code == 200
    assert api(svc, "PATCH", f"/consultations/{cid}", official.headers,
               json={"subject": "Inny przedmiot", "reason": "zmiana"}).status_code == 409


def test_ones_own_response_registration_and_thread(svc, official):
    c = new_consultation(svc, official.headers)
    cid = c["id"]
    api(svc, "PUT", f"/consultations/{cid}/survey", official.headers, json={"questions": [
        {"code": "q1", "type": "single", "text": "Tak czy nie?", "spec": {"options": ["tak", "nie"]}}]})
    document = api(svc, "POST", f"/consultations/{cid}/documents", official.headers, json={
        "title": "Projekt", "sections": [{"heading": "§1", "body": "Treść."}]}).json
    starts = datetime.now(UTC) + timedelta(days=5)
    meeting = api(svc, "POST", f"/consultations/{cid}/meetings", official.headers, json={
        "title": "Spotkanie", "place": "Urząd", "starts_at": starts.isoformat(),
        "registration_closes_at": (starts - timedelta(days=1)).isoformat(), "capacity": 1}).json
    api(svc, "POST", f"/consultations/{cid}/status", official.headers, json={"status": "open", "reason": "start"})
    anna, bartek, celina = resident(svc), resident(svc), resident(svc)

    assert api(svc, "GET", f"/consultations/{cid}/documents").json[0]["id"] == document["id"]
    assert api(svc, "GET", f"/consultations/{cid}/responses/mine", anna.headers).status_code == 404
    api(svc, "POST", f"/consultations/{cid}/responses", anna.headers, json={"answers": {"q1": "nie"}})
    assert api(svc, "GET", f"/consultations/{cid}/responses/mine", anna.headers).json["answers"] == {"q1": "nie"}
    assert api(svc, "GET", f"/consultations/{cid}/responses/mine").status_code == 401

    for person in (anna, bartek, celina):
        api(svc, "POST", f"/meetings/{meeting['id']}/registrations", person.headers)
    places = [api(svc, "GET", f"/meetings/{meeting['id']}/registrations/mine", p.headers).json
              for p in (anna, bartek, celina)]
    assert [(p["status"], p["waitlist_position"]) for p in places] == [
        ("confirmed", None), ("waitlisted", 1), ("waitlisted", 2)]
    api(svc, "DELETE", f"/meetings/{meeting['id']}/registrations/mine", anna.headers)
    assert api(svc, "GET", f"/meetings/{meeting['id']}/registrations/mine", celina.headers).json[
        "waitlist_position"] == 1
    assert api(svc, "GET", f"/meetings/{meeting['id']}/registrations/mine", anna.headers).status_code == 404

    url = f"/consultations/{cid}/documents/{document['id']}/comments"
    comment = api(svc, "POST", url, anna.headers, json={"section": "par-1", "body": "Dobry pomysł."}).json
    api(svc, "POST", f"/comments/{comment['id']}/reactions", bartek.headers, json={"kind": "support"})
    api(svc, "POST", f"/comments/{comment['id']}/reactions", celina.headers, json={"kind": "oppose"})
    (mine,) = api(svc, "GET", url, anna.headers).json
    (theirs,) = api(svc, "GET", url, bartek.headers).json
    assert (mine["support"], mine["oppose"], mine["mine"], theirs["mine"]) == (1, 1, True, False)

    # remarks: staff only until the report is published
    assert api(svc, "GET", f"/consultations/{cid}/remarks").status_code == 401
    assert api(svc, "GET", f"/consultations/{cid}/remarks", anna.headers).status_code == 403
