"""One Budżet Obywatelski edition walked end to end on the real stack, through nginx: from the call for
proposals to the frozen ballot, with every office step, audit row and event checked."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import requests

from edition_kit import (all_items_pass, api, department, full_content, new_edition, proposals_db, reviewer,
                         submitted, verified_resident)
from glos_testing import wait_until

SEED_HASH = hashlib.sha256(b"ziarno 2027").hexdigest()
RULES = {"city": {"type": "approval", "min_projects": 1, "max_projects": 3},
         "district": {"type": "approval", "min_projects": 1, "max_projects": 3},
         "selection": {"rule": "greedy", "draw_seed_sha256": SEED_HASH},
         "eligibility": {"voting_day": "2027-06-20", "residency": "either"}}


def test_one_edition_from_call_for_proposals_to_frozen_ballot(gateway, official_headers):
    official = official_headers
    edition = new_edition(gateway, official, support_required=2)
    eid, areas = edition["id"], edition["areas"]
    anna, bartek, celina, dawid, ewa = (verified_resident(gateway) for _ in range(5))

    # -- A resident drafts a proposal; submitting the incomplete draft names every missing field.
    draft = api(gateway, "POST", f"/editions/{eid}/proposals", anna.headers, json={"title": "Ławki w Parku Boguckim"})
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    p1 = draft.json()["id"]
    assert api(gateway, "GET", f"/proposals/{p1}").status_code == 404  # a draft is its author's alone
    assert api(gateway, "GET", f"/proposals/{p1}", anna.headers).status_code == 200
    incomplete = api(gateway, "POST", f"/proposals/{p1}/submission", anna.headers)
    assert incomplete.status_code == 422 and incomplete.headers["Content-Type"].startswith("application/problem+json")
    by_field = {e["field"]: e for e in incomplete.json()["errors"]}
    assert set(by_field) == {"description", "justification", "beneficiaries", "universal_design", "area_id",
                             "location_address", "category", "cost_items"}
    assert by_field["area_id"]["message"] == "Wybierz obszar (ogólnomiejski lub osiedle)."  # Polish first…
    in_english = api(gateway, "POST", f"/proposals/{p1}/submission", {**anna.headers, "Accept-Language": "en"})
    assert {e["field"]: e["message"] for e in in_english.json()["errors"]}["area_id"] == "Choose an area."  # …English
    bad_types = api(gateway, "PATCH", f"/proposals/{p1}", anna.headers,
                    json={"cost_items": [{"name": "Ławki", "amount": -3}], "latitude": 123, "colour": "red"})
    assert bad_types.status_code == 422
    assert {e["field"] for e in bad_types.json()["errors"]} == {"cost_items.0.amount", "latitude", "colour"}
    content = full_content(areas["Dąb"]["id"], title="Ławki w Parku Boguckim", lat=50.2400, lon=19.0400)
    over_limit = api(gateway, "PATCH", f"/proposals/{p1}", anna.headers,
                     json={**content, "cost_items": [{"name": "Fontanna", "amount": 250_000}]})
    assert over_limit.status_code == 200  # a draft may be anything…
    refused = api(gateway, "POST", f"/proposals/{p1}/submission", anna.headers)
    assert refused.status_code == 422 and [e["field"] for e in refused.json()["errors"]] == ["cost_items"]
    assert "200 000" in refused.json()["errors"][0]["message"]  # …but is submitted within the area's limit
    assert api(gateway, "PATCH", f"/proposals/{p1}", anna.headers, json=content).status_code == 200
    done = api(gateway, "POST", f"/proposals/{p1}/submission", anna.headers)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "submitted" and done.json()["version"] == 1 and done.json()["cost"] == 40_000
    assert api(gateway, "PATCH", f"/proposals/{p1}", anna.headers, json={"title": "Inny"}).status_code == 409

    # -- Support: online by residents, on paper through identity-svc (a person counts once either way).
    assert api(gateway, "POST", f"/proposals/{p1}/support", bartek.headers).json()["supporters"] == 1
    assert api(gateway, "POST", f"/proposals/{p1}/support", bartek.headers).status_code == 409
    assert api(gateway, "POST", f"/proposals/{p1}/support", anna.headers).status_code == 409  # the author
    paper = requests.post(f"{gateway}/api/identity/support-lists", headers=official, timeout=10, json={
        "edition_id": eid, "proposal_id": p1, "sheet": "arkusz 1", "entries": [
            {"first_name": "Bartek", "last_name": "B", "pesel": bartek.pesel},  # also supported online
            {"first_name": "Celina", "last_name": "C", "pesel": celina.pesel},
            {"first_name": "Zły", "last_name": "Numer", "pesel": "12345678901"},
            {"first_name": "Celina", "last_name": "C", "pesel": celina.pesel}]})  # twice on the sheet
    assert paper.status_code == 201, paper.text
    report = paper.json()
    assert report["accepted"] == 2
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [(3, "entries.2.pesel"), (4, "entries.3.pesel")]
    supporters = wait_until(lambda: (n := api(gateway, "GET", f"/proposals/{p1}/support").json()["supporters"]) >= 2
                            and n, timeout=30, message="the paper list counted in proposals-svc")
    assert supporters == 2  # Bartek online and on paper counts once; Celina once

    p2 = submitted(gateway, bartek, {**full_content(areas["Dąb"]["id"], title="Siłownia plenerowa", lat=50.2404,
                                                    lon=19.0403), "edition_id": eid, "category": "sport"})["id"]
    for supporter in (celina, dawid):
        assert api(gateway, "POST", f"/proposals/{p2}/support", supporter.headers).status_code == 201
    p3 = submitted(gateway, celina, {**full_content(areas["Ligota"]["id"], title="Kwiaty na Ligocie", lat=50.23,
                                                    lon=18.98), "edition_id": eid})["id"]  # nobody supports it

    # -- The call closes (the office moves the phase, with a reason): no more support or submissions.
    late = api(gateway, "POST", f"/editions/{eid}/proposals", ewa.headers, json={"title": "Spóźniony wniosek"}).json()
    assert api(gateway, "POST", f"/editions/{eid}/phase", anna.headers,
               json={"phase": "formal_verification", "reason": "koniec naboru"}).status_code == 403
    moved = api(gateway, "POST", f"/editions/{eid}/phase", official,
                json={"phase": "formal_verification", "reason": "koniec naboru"})
    assert moved.status_code == 200 and moved.json()["current_phase"] == "formal_verification"
    closed = api(gateway, "POST", f"/proposals/{late['id']}/submission", ewa.headers)
    assert closed.status_code == 409 and closed.json()["errors"][0]["field"] == "_phase"
    assert api(gateway, "POST", f"/proposals/{p1}/support", dawid.headers).status_code == 409

    # -- Formal verification against the edition's checklist; the support list is counted automatically.
    partial = api(gateway, "POST", f"/proposals/{p1}/formal-verification", official,
                  json={"items": {"complete": {"passed": True}}})
    assert partial.status_code == 422
    assert {e["field"] for e in partial.json()["errors"]} == {"items.competence", "items.cost_limit"}
    assert api(gateway, "POST", f"/proposals/{p1}/formal-verification", anna.headers,
               json=all_items_pass()).status_code == 403
    formal = api(gateway, "POST", f"/proposals/{p1}/formal-verification", official, json=all_items_pass("kompletny"))
    assert formal.status_code == 201 and formal.json()["outcome"] == "positive"
    assert formal.json()["findings"]["support"] == {"passed": True, "supporters": 2, "required": 2, "note": ""}
    failed = api(gateway, "POST", f"/proposals/{p2}/formal-verification", official, json={"items": {
        "complete": {"passed": True}, "cost_limit": {"passed": True},
        "competence": {"passed": False, "note": "Teren należy do Skarbu Państwa."}}})
    assert failed.json()["outcome"] == "negative"
    unsupported = api(gateway, "POST", f"/proposals/{p3}/formal-verification", official, json=all_items_pass())
    assert unsupported.json()["outcome"] == "negative"
    assert unsupported.json()["findings"]["support"]["passed"] is False
    assert "0 z wymaganych 2" in api(gateway, "GET", f"/proposals/{p3}").json()["rejection_reason"]

    # -- Substantive verification by the department the proposal is assigned to.
    zzm, mzuim = department(gateway, official, "ZZM"), department(gateway, official, "MZUIM")
    zzm_reviewer, mzuim_reviewer = reviewer(gateway, official, zzm), reviewer(gateway, official, mzuim)
    assigned = api(gateway, "POST", f"/proposals/{p1}/assignment", official, json={"department": zzm})
    assert assigned.status_code == 200 and assigned.json()["status"] == "in_review"
    review = {"outcome": "positive", "feasibility": {"ok": True}, "legal": {"ok": True},
              "ownership": {"ok": True, "note": "Działka gminna 12/3."}, "city_cost_estimate": 52_000}
    assert api(gateway, "POST", f"/proposals/{p1}/reviews", mzuim_reviewer, json=review).status_code == 403
    assert api(gateway, "GET", f"/departments/{zzm}/proposals", mzuim_reviewer).status_code == 403
    assert [p["id"] for p in api(gateway, "GET", f"/departments/{zzm}/proposals", zzm_reviewer).json()] == [p1]
    reviewed = api(gateway, "POST", f"/proposals/{p1}/reviews", zzm_reviewer, json=review)
    assert reviewed.status_code == 201, reviewed.text
    assert api(gateway, "GET", f"/proposals/{p1}").json()["status"] == "qualified"

    # -- A change request: the office proposes the city's cost and a new location; the applicant accepts.
    change = api(gateway, "POST", f"/proposals/{p1}/change-requests", official, json={
        "reason": "koszt według wyceny wydziału; lokalizacja na działce gminnej",
        "changes": {"cost_items": [{"name": "Ławki", "amount": 40_000}, {"name": "Montaż", "amount": 12_000}],
                    "location_address": "Park Bogucki, aleja główna"}})
    assert change.status_code == 201, change.text
    answer_url = f"/proposals/{p1}/change-requests/{change.json()['id']}/response"
    assert api(gateway, "POST", answer_url, bartek.headers, json={"accept": True}).status_code == 403
    accepted = api(gateway, "POST", answer_url, anna.headers, json={"accept": True, "note": "Zgoda."})
    assert accepted.status_code == 200 and accepted.json()["resulting_version"] == 2
    versions = api(gateway, "GET", f"/proposals/{p1}/versions").json()
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["content"]["cost"] == 40_000 and versions[0]["content"]["location_address"] == "Park Bogucki, Katowice"
    diff = api(gateway, "GET", f"/proposals/{p1}/versions/1/diff/2").json()["changes"]
    assert set(diff) == {"cost", "cost_items", "location_address"}
    assert diff["cost"] == {"before": 40_000, "after": 52_000}
    assert api(gateway, "POST", answer_url, anna.headers, json={"accept": False}).status_code == 409

    # -- An appeal against the negative formal verification: upheld, the proposal is verified again.
    assert api(gateway, "POST", f"/proposals/{p2}/appeals", anna.headers,
               json={"statement": "Nie mój wniosek, ale się odwołuję."}).status_code == 403
    appeal = api(gateway, "POST", f"/proposals/{p2}/appeals", bartek.headers,
                 json={"statement": "Działka jest gminna — załączam wypis z rejestru gruntów."})
    assert appeal.status_code == 201 and api(gateway, "GET", f"/proposals/{p2}").json()["status"] == "appealed"
    decision_url = f"/proposals/{p2}/appeals/{appeal.json()['id']}/decision"
    assert api(gateway, "POST", decision_url, bartek.headers,
               json={"upheld": True, "justification": "Sam sobie przyznaję rację."}).status_code == 403
    upheld = api(gateway, "POST", decision_url, official,
                 json={"upheld": True, "justification": "Wypis potwierdza własność gminy."})
    assert upheld.status_code == 200 and upheld.json()["status"] == "upheld"
    assert api(gateway, "GET", f"/proposals/{p2}").json()["status"] == "submitted"
    assert api(gateway, "POST", f"/proposals/{p2}/formal-verification", official,
               json=all_items_pass()).json()["outcome"] == "positive"
    api(gateway, "POST", f"/proposals/{p2}/assignment", official, json={"department": zzm})
    assert api(gateway, "POST", f"/proposals/{p2}/reviews", zzm_reviewer,
               json={**review, "city_cost_estimate": 40_000}).status_code == 201

    # -- Conflicts: the two Dąb proposals lie ~45 m apart (< 100 m) and must be resolved before voting.
    found = api(gateway, "POST", f"/editions/{eid}/conflicts/check", official).json()
    assert len(found) == 1 and {found[0]["proposal_a"], found[0]["proposal_b"]} == {p1, p2}
    assert 30 < found[0]["distance_m"] < 60
    assert api(gateway, "POST", f"/editions/{eid}/conflicts/check", official).json() == []  # recorded once

    # -- The lists of qualified and rejected proposals, with reasons (JSON and CSV), once all are decided.
    pending = api(gateway, "POST", f"/proposals/{p3}/appeals", celina.headers,
                  json={"statement": "Podpisy zbierałam na papierze, donoszę listę."})
    assert pending.status_code == 201
    undecided = api(gateway, "POST", f"/editions/{eid}/lists", official, json={"reason": "publikacja list"})
    assert undecided.status_code == 409 and "appealed: 1" in undecided.json()["detail"]
    dismissed = api(gateway, "POST", f"/proposals/{p3}/appeals/{pending.json()['id']}/decision", official,
                    json={"upheld": False, "justification": "Lista poparcia nie wpłynęła w terminie."})
    assert dismissed.status_code == 200
    published = api(gateway, "POST", f"/editions/{eid}/lists", official, json={"reason": "publikacja list"})
    assert published.status_code == 201, published.text
    dab = next(a for a in published.json()["lists"]["areas"] if a["name"] == "Dąb")
    assert {p["proposal_id"] for p in dab["qualified"]} == {p1, p2}
    ligota = next(a for a in published.json()["lists"]["areas"] if a["name"] == "Ligota")
    assert [p["proposal_id"] for p in ligota["rejected"]] == [p3] and "oddalone" in ligota["rejected"][0]["reason"]
    rows = list(csv.DictReader(io.StringIO(api(gateway, "GET", f"/editions/{eid}/lists.csv").text)))
    assert sorted((r["id_wniosku"], r["wynik"]) for r in rows) == sorted(
        [(p1, "zakwalifikowany"), (p2, "zakwalifikowany"), (p3, "odrzucony")])

    # -- Rules frozen with the ballot: not while a conflict is open; then ballot.published carries the hash.
    assert api(gateway, "PUT", f"/editions/{eid}/voting-rules", official,
               json={"rules": RULES, "reason": "uchwała Rady Miasta"}).status_code == 200
    blocked = api(gateway, "POST", f"/editions/{eid}/ballot", official, json={"reason": "start głosowania"})
    assert blocked.status_code == 409 and blocked.json()["type"].endswith("open-conflicts")
    assert api(gateway, "POST", f"/editions/{eid}/conflicts/{found[0]['id']}/resolution", official,
               json={"resolution": "Siłownia i ławki stoją po dwóch stronach alejki; nie kolidują."}).status_code == 200
    ballot = api(gateway, "POST", f"/editions/{eid}/ballot", official, json={"reason": "start głosowania"})
    assert ballot.status_code == 201, ballot.text
    digest = hashlib.sha256(json.dumps(ballot.json()["voting_rules"], sort_keys=True, separators=(",", ":"),
                                       ensure_ascii=False).encode()).hexdigest()
    assert ballot.json()["rules_sha256"] == digest
    assert api(gateway, "PUT", f"/editions/{eid}/voting-rules", official,
               json={"rules": {**RULES, "revoting": True}, "reason": "zmiana po czasie"}).status_code == 409
    (event,) = [r[0] for r in proposals_db(
        "SELECT payload FROM outbox WHERE key = :k AND event_type = 'ballot.published'", k=eid)]
    assert event["data"]["rules_sha256"] == digest
    dab_ballot = next(a for a in event["data"]["areas"] if a["name"] == "Dąb")
    assert sorted((p["proposal_id"], p["cost"]) for p in dab_ballot["projects"]) == sorted([(p1, 52_000), (p2, 40_000)])
    voting_copy = wait_until(lambda: (r := requests.get(f"{gateway}/api/voting/editions/{eid}/ballot", timeout=10))
                             .status_code == 200 and r.json(), timeout=30, message="voting-svc's ballot")
    assert voting_copy["rules_sha256"] == digest

    # -- Every staff action is audited (who, what, why) and every state change left an event.
    actions = {row[0] for row in proposals_db("SELECT action FROM audit_log WHERE target IN (:e, :a, :b, :c)",
                                              e=eid, a=p1, b=p2, c=p3)}
    assert {"edition.schedule_set", "edition.phase_changed", "proposal.formal_verification", "proposal.assigned",
            "proposal.substantive_review", "proposal.change_requested", "appeal.decided", "lists.published",
            "edition.rules_set", "edition.ballot_published"} <= actions
    assert all(actor and reason for actor, reason in proposals_db(
        "SELECT actor, reason FROM audit_log WHERE target IN (:e, :a, :b, :c)", e=eid, a=p1, b=p2, c=p3))
    types = [row[0] for row in proposals_db("SELECT event_type FROM outbox WHERE key = :k ORDER BY id", k=eid)]
    assert {"edition.created", "area.created", "edition.phase_changed", "proposal.submitted", "proposal.verified",
            "proposal.assigned", "proposal.change_requested", "proposal.changed", "proposal.appealed",
            "proposal.appeal_decided", "lists.published", "ballot.published"} <= set(types)
    scheduled = [r[0]["data"] for r in proposals_db(
        "SELECT payload FROM outbox WHERE key = :k AND event_type = 'edition.phase_changed' ORDER BY id", k=eid)]
    assert [(d["to"], d["by"]) for d in scheduled][:1] == [("submission", "scheduler")]
