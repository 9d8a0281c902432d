"""A public consultation walked end to end on the real stack, through nginx: survey, document comments,
moderation, a meeting with a waitlist, the close, every remark answered and approved, and the published
report with its notifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from consultation_kit import EVERY_TYPE, api, consultation_db, new_consultation, resident, staff
from glos_testing import wait_until


def _notifications(consultation_id: str, what: str) -> list[dict]:
    rows = consultation_db("SELECT payload FROM outbox WHERE key = :k AND event_type = 'notification.requested' "
                           "ORDER BY id", k=consultation_id)
    return [r[0]["data"] for r in rows if r[0]["data"]["what"] == what]


def test_a_consultation_from_announcement_to_published_report(gateway, official_headers):
    coordinator = official_headers
    consultation = new_consultation(gateway, coordinator)
    cid = consultation["id"]
    moderator, stranger_moderator = staff(gateway, coordinator, "moderator"), staff(gateway, coordinator, "moderator")
    department = staff(gateway, coordinator, "department_reviewer", scope="WUA")
    assert api(gateway, "POST", f"/consultations/{cid}/moderators", coordinator,
               json={"account_id": moderator.account_id, "reason": "prowadzi konsultacje"}).status_code == 201

    # -- what is consulted: a survey with every question type (q7 only for those who never use the square) and a
    #    document in sections
    survey = api(gateway, "PUT", f"/consultations/{cid}/survey", coordinator, json={"questions": EVERY_TYPE})
    assert survey.status_code == 200, survey.text
    broken = api(gateway, "PUT", f"/consultations/{cid}/survey", coordinator, json={"questions": [
        {"code": "a", "type": "single", "text": "Tak czy nie?", "spec": {"options": ["tak"]}},
        {"code": "b", "type": "short_text", "text": "Dlaczego?", "condition": {"question": "a", "any_of": ["może"]}}]})
    assert broken.status_code == 422
    assert {e["field"] for e in broken.json()["errors"]} == {"questions.0.spec.options", "questions.1.condition.any_of"}
    document = api(gateway, "POST", f"/consultations/{cid}/documents", coordinator, json={
        "title": "Koncepcja przebudowy placu", "sections": [
            {"heading": "§1", "body": "Plac zostanie wyłożony kostką granitową."},
            {"heading": "§2", "body": "Wzdłuż placu powstanie szpaler 20 lip."},
            {"heading": "§3", "body": "Parking na 30 miejsc zostaje."}]})
    assert document.status_code == 201 and [s["anchor"] for s in document.json()["sections"]] == ["par-1", "par-2", "par-3"]
    did = document.json()["id"]
    assert api(gateway, "POST", f"/consultations/{cid}/status", moderator.headers,
               json={"status": "open", "reason": "start"}).status_code == 403  # opening is the coordinator's
    assert api(gateway, "POST", f"/consultations/{cid}/status", coordinator,
               json={"status": "open", "reason": "zgodnie z zarządzeniem"}).json()["status"] == "open"

    anna, bartek, celina = resident(gateway), resident(gateway), resident(gateway)

    # -- survey: an invalid response is refused with an error per question, nothing saved
    invalid = api(gateway, "POST", f"/consultations/{cid}/responses", anna.headers, json={"answers": {
        "q1": "często", "q2": ["ławek", "zieleni", "cienia"], "q3": 7, "q4": ["fontanna", "drzewa"],
        "q5": 12.5, "q6": "x" * 41, "q7": "Bo nie.", "q8": {"oświetlenie": 3}, "q10": "?"}})
    assert invalid.status_code == 422
    assert {e["field"] for e in invalid.json()["errors"]} == {f"answers.q{n}" for n in range(1, 11) if n != 9}
    assert consultation_db("SELECT count(*) FROM survey_responses WHERE consultation_id = :c", c=cid)[0][0] == 0
    answers = {
        anna.account_id: {"q1": "codziennie", "q2": ["ławek", "cienia"], "q3": 2, "q4": ["drzewa", "fontanna", "scena"],
                          "q5": 30, "q6": "betonoza", "q8": {"oświetlenie": 2, "czystość": 3},
                          "q9": "Proszę o więcej drzew zamiast parkingu."},
        bartek.account_id: {"q1": "nigdy", "q2": ["placu zabaw"], "q3": 1, "q4": ["scena", "drzewa", "fontanna"],
                            "q7": "Nie ma gdzie usiąść w cieniu.", "q8": {"oświetlenie": 1, "czystość": 1}},
        celina.account_id: {"q1": "czasem", "q2": ["zieleni"], "q3": 4, "q4": ["drzewa", "scena", "fontanna"],
                            "q5": 10, "q8": {"oświetlenie": 4, "czystość": 5}},
    }
    for person in (anna, bartek, celina):
        r = api(gateway, "POST", f"/consultations/{cid}/responses", person.headers,
                json={"answers": answers[person.account_id]})
        assert r.status_code == 201, r.text
    changed = api(gateway, "POST", f"/consultations/{cid}/responses", celina.headers,
                  json={"answers": {**answers[celina.account_id], "q3": 5}})  # editable until the close
    assert changed.status_code == 201
    assert consultation_db("SELECT count(*) FROM survey_responses WHERE consultation_id = :c", c=cid)[0][0] == 3
    assert api(gateway, "GET", f"/consultations/{cid}/results").status_code == 403  # public after the close
    live = api(gateway, "GET", f"/consultations/{cid}/results", moderator.headers).json()
    q3 = next(q for q in live["questions"] if q["code"] == "q3")
    assert q3["counts"] == {"1": 1, "2": 1, "3": 0, "4": 0, "5": 1} and q3["mean"] == round(8 / 3, 2)

    # -- comments, replies, support; a banned word holds a comment; flags past the threshold hide one
    comments_url = f"/consultations/{cid}/documents/{did}/comments"
    trees = api(gateway, "POST", comments_url, anna.headers, json={"section": "par-2", "body": "Lipy tak, ale też klony."})
    assert trees.status_code == 201 and trees.json()["status"] == "published" and trees.json()["section_version"] == 1
    reply = api(gateway, "POST", comments_url, bartek.headers, json={
        "parent_id": trees.json()["id"], "body": "Zgadzam się, zadzwońcie do mnie: 600 100 200."})
    assert reply.status_code == 201 and reply.json()["section_anchor"] == "par-2"
    assert api(gateway, "POST", f"/comments/{trees.json()['id']}/reactions", celina.headers,
               json={"kind": "support"}).json() == {"support": 1, "oppose": 0}
    rude = api(gateway, "POST", comments_url, celina.headers, json={"section": "par-3", "body": "Ten parking to k*rwa porażka."})
    assert rude.status_code == 201 and rude.json()["status"] == "pending" and rude.json()["held_for"] == "banned_words"
    spam = api(gateway, "POST", comments_url, bartek.headers, json={"body": "Kupię mieszkanie, tanio, pisz!"})
    for flagger in (anna, celina):
        flagged = api(gateway, "POST", f"/comments/{spam.json()['id']}/flags", flagger.headers, json={"reason": "reklama"})
        assert flagged.status_code == 201
    assert flagged.json()["status"] == "flagged"
    public = {c["id"] for c in api(gateway, "GET", comments_url).json()}
    assert public == {trees.json()["id"], reply.json()["id"]}  # held and flagged ones are not shown
    assert rude.json()["id"] in {c["id"] for c in api(gateway, "GET", comments_url, celina.headers).json()}

    # -- moderation: only this consultation's moderator; every decision audited and announced
    assert api(gateway, "GET", f"/consultations/{cid}/moderation-queue", stranger_moderator.headers).status_code == 403
    queue = api(gateway, "GET", f"/consultations/{cid}/moderation-queue", moderator.headers).json()
    assert {c["id"] for c in queue} == {rude.json()["id"], spam.json()["id"]}
    assert api(gateway, "POST", f"/comments/{rude.json()['id']}/moderation", stranger_moderator.headers,
               json={"decision": "publish", "reason": "w porządku"}).status_code == 403
    hidden = api(gateway, "POST", f"/comments/{rude.json()['id']}/moderation", moderator.headers,
                 json={"decision": "hide", "reason": "Wulgaryzm; prosimy o kulturalną formę."})
    assert hidden.json()["status"] == "hidden"
    assert api(gateway, "POST", f"/comments/{spam.json()['id']}/moderation", moderator.headers,
               json={"decision": "hide", "reason": "Reklama niezwiązana z konsultacjami."}).status_code == 200
    redacted = api(gateway, "POST", f"/comments/{reply.json()['id']}/moderation", moderator.headers, json={
        "decision": "redact", "reason": "Usunięto numer telefonu (dane osobowe).",
        "redacted_body": "Zgadzam się, zadzwońcie do mnie: [usunięto dane osobowe]."})
    assert redacted.json()["body"].endswith("[usunięto dane osobowe].") and redacted.json()["moderator_note"]
    mine = {c["id"]: c for c in api(gateway, "GET", comments_url, celina.headers).json()}
    assert mine[rude.json()["id"]]["hidden_reason"] == "Wulgaryzm; prosimy o kulturalną formę."  # the author sees why
    assert len(consultation_db("SELECT 1 FROM audit_log WHERE action LIKE 'comment.%' AND details->>'consultation' = :c",
                               c=cid)) == 3

    # -- the meeting: two places, the third waits and moves up when someone cancels (it starts in a few seconds,
    #    so that attendance and minutes can follow in this test)
    start = datetime.now(UTC) + timedelta(seconds=10)
    meeting = api(gateway, "POST", f"/consultations/{cid}/meetings", coordinator, json={
        "title": "Spacer studyjny po placu", "place": "Plac przed szkołą, ul. Dębowa 1", "capacity": 2,
        "starts_at": start.isoformat(), "registration_closes_at": (start - timedelta(seconds=3)).isoformat()})
    assert meeting.status_code == 201, meeting.text
    mid = meeting.json()["id"]
    registered = [api(gateway, "POST", f"/meetings/{mid}/registrations", p.headers).json()["status"]
                  for p in (anna, bartek, celina)]
    assert registered == ["confirmed", "confirmed", "waitlisted"]
    assert api(gateway, "DELETE", f"/meetings/{mid}/registrations/mine", anna.headers).json()["status"] == "cancelled"
    by_account = {r["account_id"]: r["status"] for r in api(gateway, "GET", f"/meetings/{mid}/registrations",
                                                            moderator.headers).json()}
    assert by_account == {anna.account_id: "cancelled", bartek.account_id: "confirmed", celina.account_id: "confirmed"}
    assert [n["account_id"] for n in _notifications(cid, "meeting.promoted")] == [celina.account_id]
    wait_until(lambda: {n["account_id"] for n in _notifications(cid, "meeting.reminder")} >=
               {bartek.account_id, celina.account_id}, timeout=30, message="reminders to the two confirmed")
    wait_until(lambda: datetime.now(UTC) >= start, timeout=40, message="the meeting's start")
    attendance = api(gateway, "POST", f"/meetings/{mid}/attendance", moderator.headers,
                     json={"present": [bartek.account_id, celina.account_id]})
    assert attendance.status_code == 200 and all(r["attended"] for r in attendance.json())
    assert api(gateway, "POST", f"/meetings/{mid}/minutes", moderator.headers, json={
        "minutes": "Protokół: obecnych 2 osoby. Omówiono zieleń i parking."}).status_code == 200
    said = api(gateway, "POST", f"/meetings/{mid}/remarks", moderator.headers,
               json={"body": "Parking przenieść na ul. Bocianią.", "speaker": celina.account_id})
    assert said.status_code == 201 and said.json()["kind"] == "meeting"
    assert api(gateway, "POST", f"/consultations/{cid}/remarks", moderator.headers, json={
        "body": "Proszę zachować stary kasztanowiec.", "received": "2027-05-04 e-mail do urzędu"}).status_code == 201

    # -- the close: published comments are remarks already; the coordinator marks the open answers the report
    #    must answer (here all three); each gets an approved reply
    assert api(gateway, "POST", f"/consultations/{cid}/status", coordinator,
               json={"status": "closed", "reason": "koniec terminu"}).json()["status"] == "closed"
    for answer in api(gateway, "GET", f"/consultations/{cid}/open-answers", coordinator).json():
        assert api(gateway, "PUT", f"/consultations/{cid}/open-answers/{answer['response_id']}/"
                                   f"{answer['question_code']}/remark", coordinator).status_code == 201
    assert api(gateway, "POST", f"/consultations/{cid}/responses", anna.headers,
               json={"answers": answers[anna.account_id]}).status_code == 409
    pending = api(gateway, "GET", f"/consultations/{cid}/remarks", department.headers).json()
    assert sorted(r["kind"] for r in pending) == ["comment", "comment", "email", "meeting", "open_answer",
                                                  "open_answer", "open_answer"]  # q6, q7, q9 texts
    assert api(gateway, "POST", f"/consultations/{cid}/report", coordinator).status_code == 409  # nothing answered
    outcomes = ["accepted", "partly_accepted", "not_accepted", "not_applicable"]
    for n, remark in enumerate(pending):
        writer = department if n % 2 else moderator
        r = api(gateway, "PUT", f"/remarks/{remark['id']}/reply", writer.headers, json={
            "status": outcomes[n % 4], "reply": f"Odpowiedź wydziału nr {n + 1} z uzasadnieniem."})
        assert r.status_code == 200, r.text
    assert api(gateway, "PUT", f"/remarks/{pending[0]['id']}/reply", stranger_moderator.headers, json={
        "status": "accepted", "reply": "Nie moja konsultacja, ale odpowiem."}).status_code == 403
    unapproved = api(gateway, "POST", f"/consultations/{cid}/report", coordinator)
    assert unapproved.status_code == 409 and "niezatwierdzonych 7" in unapproved.json()["detail"]
    for remark in pending:
        assert api(gateway, "POST", f"/remarks/{remark['id']}/approval", moderator.headers).status_code == 403
        assert api(gateway, "POST", f"/remarks/{remark['id']}/approval", coordinator).status_code == 200

    # -- the report: HTML with the survey's charts, PDF, versioned; publishing tells every participant
    version = api(gateway, "POST", f"/consultations/{cid}/report", coordinator)
    assert version.status_code == 201 and version.json()["version"] == 1 and not version.json()["published"]
    assert api(gateway, "GET", f"/consultations/{cid}/report.html").status_code == 404  # not published yet
    draft = api(gateway, "GET", f"/consultations/{cid}/report.html", coordinator, params={"draft": "true"})
    assert draft.status_code == 200 and draft.text.count("<svg") == 5 and "Spacer studyjny po placu" in draft.text
    assert "Zgadzam się, zadzwońcie do mnie: [usunięto dane osobowe]." in draft.text and "600 100 200" not in draft.text
    assert api(gateway, "POST", f"/consultations/{cid}/report", coordinator).json()["version"] == 2
    published = api(gateway, "POST", f"/consultations/{cid}/report/publication", coordinator)
    assert published.status_code == 201 and published.json()["version"] == 2
    pdf = api(gateway, "GET", f"/consultations/{cid}/report.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert api(gateway, "GET", f"/consultations/{cid}").json()["status"] == "report_published"
    results = api(gateway, "GET", f"/consultations/{cid}/results", params={"by": "district"}).json()
    assert results["groups"]["Dąb"]["responses"] == 3  # public now, cross-tabulated

    told = {n["account_id"]: n for n in _notifications(cid, "report.outcome")}
    assert set(told) == {anna.account_id, bartek.account_id, celina.account_id}
    replies = {r["id"]: r for r in api(gateway, "GET", f"/consultations/{cid}/remarks", coordinator).json()}
    for account, notice in told.items():
        for outcome in notice["remarks"]:
            assert replies[outcome["remark_id"]]["status"] == outcome["status"] and outcome["reply"]
    assert {o["kind"] for o in told[celina.account_id]["remarks"]} == {"meeting"}  # her remark at the meeting
    assert len(told[anna.account_id]["remarks"]) == 3  # her comment and two open answers
    types = {r[0] for r in consultation_db("SELECT event_type FROM outbox WHERE key = :k", k=cid)}
    assert {"consultation.announced", "consultation.opened", "consultation.closed", "comment.posted",
            "comment.flagged", "comment.moderated", "meeting.scheduled", "report.published"} <= types
