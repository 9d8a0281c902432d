"""Every remark reaches the report (issue 27, points 1–2): a comment is a remark from its publication — even one
a moderator publishes after the close — until it is hidden; flags put a comment in the queue at once, with their
count and reasons; one decision may cover many comments; a close with comments waiting is refused unless
confirmed, and no report is made while they wait; remarks are grouped by document section or survey question and
numbered; one reply may answer several alike remarks; the report counts what moderation hid, and why."""

from __future__ import annotations

from consultation_service_kit import api, new_consultation, resident

OPEN_QUESTION = [{"code": "q1", "type": "long_text", "text": "Co jeszcze powinno się znaleźć na placu?",
                  "required": False},
                 {"code": "q2", "type": "scale", "text": "Jak ocenia Pan/Pani projekt?", "required": True,
                  "spec": {"min": 1, "max": 5}}]
SECTIONS = [{"heading": "Zieleń", "body": "§1. Na placu rosną drzewa."},
            {"heading": "Ławki", "body": "§2. Ustawia się dwanaście ławek."}]


def _opened(svc, official, **overrides):
    cid = new_consultation(svc, official.headers, **overrides)["id"]
    assert api(svc, "PUT", f"/consultations/{cid}/survey", official.headers,
               json={"questions": OPEN_QUESTION}).status_code == 200
    document = api(svc, "POST", f"/consultations/{cid}/documents", official.headers,
                   json={"title": "Projekt uchwały", "sections": SECTIONS}).json
    assert api(svc, "POST", f"/consultations/{cid}/status", official.headers,
               json={"status": "open", "reason": "start"}).status_code == 200
    return cid, document["id"]


def _comment(svc, cid, did, body, *, section=None, who=None):
    r = api(svc, "POST", f"/consultations/{cid}/documents/{did}/comments", (who or resident(svc)).headers,
            json={"body": body, "section": section})
    assert r.status_code == 201, r.json
    return r.json


def _close(svc, official, cid, **extra):
    return api(svc, "POST", f"/consultations/{cid}/status", official.headers,
               json={"status": "closed", "reason": "koniec", **extra})


def _remarks(svc, official, cid):
    r = api(svc, "GET", f"/consultations/{cid}/remarks", official.headers)
    assert r.status_code == 200, r.json
    return r.json


def _answer_all(svc, official, cid):
    for remark in _remarks(svc, official, cid):
        if remark["status"] == "pending":
            assert api(svc, "PUT", f"/remarks/{remark['id']}/reply", official.headers, json={
                "status": "accepted", "reply": "Uwzględniamy — dziękujemy za uwagę."}).status_code == 200
        if remark["shares_reply_of"] is None:
            assert api(svc, "POST", f"/remarks/{remark['id']}/approval", official.headers).status_code == 200


def _published_report(svc, official, cid) -> str:
    made = api(svc, "POST", f"/consultations/{cid}/report", official.headers)
    assert made.status_code == 201, made.json
    assert api(svc, "POST", f"/consultations/{cid}/report/publication", official.headers).status_code == 201
    return api(svc, "GET", f"/consultations/{cid}/report.html").get_data(as_text=True)


def test_comments_a_moderator_publishes_after_the_close_still_reach_the_report(svc, official):
    """The stumble as found: comments held for moderation, the consultation closed, then published — the report
    said "0 uwag". Now the close asks, and publishing makes them remarks whenever it happens."""
    cid, did = _opened(svc, official, moderation="pre")
    held = [_comment(svc, cid, did, text) for text in ("Więcej cienia przy placu zabaw.", "Proszę o stojaki na rowery.")]
    assert {c["status"] for c in held} == {"pending"}
    assert _remarks(svc, official, cid) == []  # held comments are not remarks yet

    refused = _close(svc, official, cid)
    assert refused.status_code == 409 and refused.json["type"].endswith("/moderation-pending")
    assert "2" in refused.json["detail"]
    assert api(svc, "GET", f"/consultations/{cid}", official.headers).json["status"] == "open"  # nothing changed
    assert _close(svc, official, cid, confirm_pending=True).status_code == 200

    # no report while they wait
    waiting = api(svc, "POST", f"/consultations/{cid}/report", official.headers)
    assert waiting.status_code == 409 and waiting.json["type"].endswith("/moderation-pending")

    for comment in held:
        assert api(svc, "POST", f"/comments/{comment['id']}/moderation", official.headers,
                   json={"decision": "publish", "reason": "zgodny z regulaminem"}).status_code == 200
    assert sorted(r["body"] for r in _remarks(svc, official, cid)) == sorted(c["body"] for c in held)
    _answer_all(svc, official, cid)
    report = _published_report(svc, official, cid)
    assert "Uwag: 2; każda ma odpowiedź." in report
    for comment in held:
        assert comment["body"] in report
    closed_audit = svc.database.rows("SELECT details FROM audit_log WHERE action = 'consultation.closed' "
                                     "AND target = :t", t=cid)
    assert closed_audit[0][0]["closed_with_comments_waiting"] == 2


def test_a_flag_queues_a_comment_at_once_with_its_count_and_reasons(svc, official):
    cid, did = _opened(svc, official, flag_threshold=2)
    comment = _comment(svc, cid, did, "Ławki z oparciami, proszę.", section="par-2")
    first = api(svc, "POST", f"/comments/{comment['id']}/flags", resident(svc).headers, json={"reason": "spam"})
    assert first.status_code == 201 and first.json["status"] == "published"  # below the threshold: still shown

    (item,) = api(svc, "GET", f"/consultations/{cid}/moderation-queue", official.headers).json
    assert item["id"] == comment["id"] and item["flag_count"] == 1 and item["flag_reasons"] == ["spam"]
    assert item["document_title"] == "Projekt uchwały" and item["section_heading"] == "Ławki"
    assert item["section_text"] == "§2. Ustawia się dwanaście ławek."
    assert item["consultation_subject"].startswith("Rewitalizacja placu")

    kept = api(svc, "POST", f"/comments/{comment['id']}/moderation", official.headers,
               json={"decision": "publish", "reason": "nie narusza regulaminu"})
    assert kept.status_code == 200 and kept.json["status"] == "published"
    assert api(svc, "GET", f"/consultations/{cid}/moderation-queue", official.headers).json == []

    # a new flag brings it back; the threshold's flag hides it, and its remark goes with it
    assert len(_remarks(svc, official, cid)) == 1
    api(svc, "POST", f"/comments/{comment['id']}/flags", resident(svc).headers, json={"reason": "obraźliwe"})
    (item,) = api(svc, "GET", f"/consultations/{cid}/moderation-queue", official.headers).json
    assert item["flag_count"] == 2 and item["status"] == "flagged"
    assert _remarks(svc, official, cid) == []
    assert api(svc, "POST", f"/comments/{comment['id']}/moderation", official.headers,
               json={"decision": "hide", "reason": "obraźliwy język"}).status_code == 200
    summary = api(svc, "GET", f"/consultations/{cid}/moderation-summary", official.headers).json
    assert summary["hidden"] == 1 and summary["hidden_by_reason"] == [{"reason": "obraźliwy język", "count": 1}]
    assert api(svc, "GET", f"/consultations/{cid}/moderation-summary").status_code == 403  # public after the close


def test_one_decision_with_one_reason_for_many_comments(svc, official):
    cid, did = _opened(svc, official, moderation="pre")
    spam = [_comment(svc, cid, did, f"Kup tanio tutaj nr {i}") for i in range(3)]
    good = _comment(svc, cid, did, "Fontanna dla dzieci byłaby świetna.")
    other_cid, other_did = _opened(svc, official, moderation="pre")
    stranger = _comment(svc, other_cid, other_did, "Komentarz w innych konsultacjach.")

    mixed = api(svc, "POST", f"/consultations/{cid}/moderation", official.headers, json={
        "comment_ids": [spam[0]["id"], stranger["id"]], "decision": "hide", "reason": "reklama"})
    assert mixed.status_code == 422 and mixed.json["errors"][0]["field"] == "comment_ids"
    assert svc.database.rows("SELECT status FROM comments WHERE id = :i", i=spam[0]["id"])[0][0] == "pending"

    hidden = api(svc, "POST", f"/consultations/{cid}/moderation", official.headers, json={
        "comment_ids": [c["id"] for c in spam], "decision": "hide", "reason": "reklama"})
    assert hidden.status_code == 200 and {c["status"] for c in hidden.json} == {"hidden"}
    assert api(svc, "POST", f"/consultations/{cid}/moderation", official.headers, json={
        "comment_ids": [good["id"]], "decision": "redact", "reason": "x"}).status_code == 422  # one at a time
    assert [c["id"] for c in api(svc, "GET", f"/consultations/{cid}/moderation-queue", official.headers).json] \
        == [good["id"]]
    assert svc.database.rows("SELECT count(*) FROM audit_log WHERE action = 'comment.hide' AND reason = 'reklama'")[0][0] == 3


def test_remarks_are_grouped_numbered_and_one_reply_answers_alike_ones(svc, official):
    cid, did = _opened(svc, official)
    whole = _comment(svc, cid, did, "Cały projekt jest dobry.")
    benches = [_comment(svc, cid, did, text, section="par-2") for text in ("Ławki z oparciami.", "Ławki w cieniu.",
                                                                          "Więcej ławek!")]
    trees = _comment(svc, cid, did, "Nie wycinajcie lip.", section="par-1")
    respondent = resident(svc)
    response = api(svc, "POST", f"/consultations/{cid}/responses", respondent.headers,
                   json={"answers": {"q1": "Toaleta publiczna", "q2": 4}})
    assert response.status_code == 201, response.json
    api(svc, "POST", f"/consultations/{cid}/responses", resident(svc).headers, json={"answers": {"q2": 2}})

    answers = api(svc, "GET", f"/consultations/{cid}/open-answers", official.headers).json
    assert [(a["question_code"], a["text"], a["remark_id"]) for a in answers] == [("q1", "Toaleta publiczna", None)]
    path = f"/consultations/{cid}/open-answers/{answers[0]['response_id']}/q1/remark"
    assert api(svc, "PUT", path, resident(svc).headers).status_code == 403
    marked = api(svc, "PUT", path, official.headers)
    assert marked.status_code == 201 and marked.json["question_code"] == "q1"
    assert api(svc, "PUT", path, official.headers).json["id"] == marked.json["id"]  # marking twice: one remark
    assert api(svc, "PUT", f"/consultations/{cid}/open-answers/{answers[0]['response_id']}/q2/remark",
               official.headers).status_code == 404  # not an open question

    listed = _remarks(svc, official, cid)
    assert [(r["number"], r["body"]) for r in listed] == [
        (1, trees["body"]), (2, benches[0]["body"]), (3, benches[1]["body"]), (4, benches[2]["body"]),
        (5, whole["body"]), (6, "Toaleta publiczna")]
    assert [r["group"] for r in listed] == [
        "Dokument „Projekt uchwały” — fragment 1. Zieleń", *["Dokument „Projekt uchwały” — fragment 2. Ławki"] * 3,
        "Dokument „Projekt uchwały” — całość", "Ankieta — pytanie q1: Co jeszcze powinno się znaleźć na placu?"]

    lead, *alike = [r for r in listed if r["body"] in {b["body"] for b in benches}]
    shared = api(svc, "PUT", f"/remarks/{lead['id']}/reply", official.headers, json={
        "status": "partly_accepted", "reply": "Ustawimy ławki z oparciami, część w cieniu drzew.",
        "also": [r["id"] for r in alike]})
    assert shared.status_code == 200, shared.json
    assert api(svc, "PUT", f"/remarks/{lead['id']}/reply", official.headers, json={
        "status": "accepted", "reply": "Sama siebie nie obejmuje.", "also": [lead["id"]]}).status_code == 422
    after = {r["id"]: r for r in _remarks(svc, official, cid)}
    assert all(after[r["id"]]["shares_reply_of"] == lead["id"] and after[r["id"]]["status"] == "partly_accepted"
               for r in alike)
    assert api(svc, "POST", f"/remarks/{lead['id']}/approval", official.headers).status_code == 200
    assert all(_r["approved_at"] for _r in _remarks(svc, official, cid) if _r["shares_reply_of"] == lead["id"])

    # the answered open answer can no longer be unmarked
    _answer_all(svc, official, cid)
    assert api(svc, "DELETE", path, official.headers).status_code == 409
    hidden = _comment(svc, cid, did, "Reklama: tanie ławki.")
    api(svc, "POST", f"/comments/{hidden['id']}/moderation", official.headers,
        json={"decision": "hide", "reason": "reklama"})
    assert _close(svc, official, cid).status_code == 200
    report = _published_report(svc, official, cid)
    assert "Uwag: 6; każda ma odpowiedź." in report
    assert "Ta odpowiedź dotyczy też uwag nr 3, 4." in report
    assert report.count("Odpowiedź wspólna z uwagą nr 2.") == 2
    assert "Moderacja ukryła komentarzy: 1" in report and "reklama: 1" in report
    assert "Reklama: tanie ławki." not in report
    assert report.index("fragment 1. Zieleń") < report.index("fragment 2. Ławki") < report.index("— całość") \
        < report.index("pytanie q1")
    public = api(svc, "GET", f"/consultations/{cid}/remarks").json
    assert [r["number"] for r in public] == [1, 2, 3, 4, 5, 6]
    assert api(svc, "POST", f"/comments/{whole['id']}/moderation", official.headers,
               json={"decision": "hide", "reason": "za późno"}).status_code == 409  # the report stands
    assert api(svc, "POST", f"/comments/{whole['id']}/flags", resident(svc).headers,
               json={"reason": "po raporcie"}).status_code == 409  # and no flag could be decided any more


def test_the_office_home_counts_what_waits_in_the_consultations_one_runs(svc, official):
    """Issue 27 (9): comments to moderate, remarks to answer and replies to approve, per consultation the caller
    runs (a moderator sees only their own)."""
    cid, did = _opened(svc, official, moderation="pre")
    _comment(svc, cid, did, "Czekam na moderację.")
    moderator = svc.caller("moderator")
    (row,) = [r for r in api(svc, "GET", "/consultations/work", official.headers).json if r["consultation_id"] == cid]
    assert (row["comments_to_moderate"], row["remarks_unanswered"], row["replies_to_approve"]) == (1, 0, 0)
    assert api(svc, "GET", "/consultations/work", moderator.headers).json == []  # not assigned to it
    api(svc, "POST", f"/consultations/{cid}/moderators", official.headers,
        json={"account_id": moderator.account_id, "reason": "dyżur"})
    assert [r["consultation_id"] for r in api(svc, "GET", "/consultations/work", moderator.headers).json] == [cid]
