"""Change requests that merge proposals: every applicant concerned must agree; the merged proposal ends as
`merged` and its supporters count for the one it joined."""

from __future__ import annotations

from proposals_service_kit import (all_items_pass, api, full_content, new_edition, submitted,
                         verified_resident)


def test_a_merge_needs_both_applicants_and_carries_the_support_over(svc, official):
    edition = new_edition(svc, official, support_required=1)
    ola, piotr, fan, other_fan, outsider = (verified_resident(svc) for _ in range(5))
    area = edition["areas"]["Dąb"]["id"]
    main = submitted(svc, ola, {**full_content(area, title="Zieleń na Dębie", lat=50.27, lon=18.99),
                                    "edition_id": edition["id"]})["id"]
    joined = submitted(svc, piotr, {**full_content(area, title="Drzewa przy szkole", lat=50.28, lon=18.98),
                                        "edition_id": edition["id"]})["id"]
    api(svc, "POST", f"/proposals/{main}/support", fan.headers)
    api(svc, "POST", f"/proposals/{joined}/support", fan.headers)  # the same person backs both
    api(svc, "POST", f"/proposals/{joined}/support", other_fan.headers)
    api(svc, "POST", f"/editions/{edition['id']}/phase", official.headers,
        json={"phase": "formal_verification", "reason": "koniec naboru"})
    for proposal in (main, joined):
        assert api(svc, "POST", f"/proposals/{proposal}/formal-verification", official.headers,
                   json=all_items_pass()).json["outcome"] == "positive"

    request = api(svc, "POST", f"/proposals/{main}/change-requests", official.headers, json={
        "reason": "dwa wnioski o zieleni na Dębie — jeden projekt",
        "changes": {"merge_with": [joined], "title": "Zieleń na Dębie i przy szkole",
                    "cost_items": [{"name": "Nasadzenia", "amount": 90_000}, {"name": "Ławki", "amount": 30_000}]}})
    assert request.status_code == 201, request.text
    assert set(request.json["consents"]) == {ola.account_id, piotr.account_id}
    url = f"/proposals/{main}/change-requests/{request.json['id']}/response"
    assert api(svc, "POST", url, outsider.headers, json={"accept": True}).status_code == 403
    half = api(svc, "POST", url, ola.headers, json={"accept": True, "note": "Zgoda."})
    assert half.status_code == 200 and half.json["status"] == "pending"  # Piotr has not answered yet
    assert api(svc, "POST", url, ola.headers, json={"accept": True}).status_code == 409
    done = api(svc, "POST", url, piotr.headers, json={"accept": True, "note": "Zgoda, razem lepiej."})
    assert done.status_code == 200 and done.json["status"] == "accepted" and done.json["resulting_version"] == 2

    merged = api(svc, "GET", f"/proposals/{joined}").json
    assert merged["status"] == "merged" and main in merged["rejection_reason"]
    assert api(svc, "GET", f"/proposals/{main}").json["title"] == "Zieleń na Dębie i przy szkole"
    assert api(svc, "GET", f"/proposals/{main}/support").json["supporters"] == 2  # fan once, other_fan
    (version,) = [v for v in api(svc, "GET", f"/proposals/{main}/versions").json if v["version"] == 2]
    assert version["content"]["merged"] == [joined] and version["content"]["cost"] == 120_000
    assert [r[0] for r in svc.database.rows("SELECT event_type FROM outbox WHERE key = :k AND event_type IN "
                                       "('proposal.merged', 'proposal.changed') ORDER BY id", k=edition["id"])] == [
        "proposal.merged", "proposal.changed"]


def test_a_merge_across_areas_is_refused_naming_the_proposal(svc, official):
    edition = new_edition(svc, official, support_required=0)
    ola = verified_resident(svc)
    first = submitted(svc, ola, {**full_content(edition["areas"]["Dąb"]["id"], title="Plac", lat=50.2, lon=19.0),
                                     "edition_id": edition["id"]})["id"]
    second = submitted(svc, ola, {**full_content(edition["areas"]["Ligota"]["id"], title="Skwer", lat=50.1,
                                                     lon=19.1), "edition_id": edition["id"]})["id"]
    for proposal in (first, second):
        api(svc, "POST", f"/proposals/{proposal}/formal-verification", official.headers, json=all_items_pass())
    refused = api(svc, "POST", f"/proposals/{first}/change-requests", official.headers,
                  json={"reason": "połączenie", "changes": {"merge_with": [second]}})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "changes.merge_with.0"
    assert not svc.database.rows("SELECT 1 FROM change_requests WHERE proposal_id = :p", p=first)
