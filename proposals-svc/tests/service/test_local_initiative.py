"""A local initiative (inicjatywa lokalna) against proposals-svc's own app and database: the proposals' pipeline without a vote — own
contribution required, verification, scoring against the city's criteria, terms agreed with the applicant,
then implementation monitoring."""

from __future__ import annotations

from proposals_service_kit import (all_items_pass, api, department, full_content, local_initiative_programme, reviewer,
                                   verified_resident)


def _through_review(svc, official, zzm, zzm_reviewer, applicant, area, title):
    content = {**full_content(area["id"], title=title, lat=51.76, lon=18.09), "category": None,
               "contribution": {"work": "Sadzenie przez 20 mieszkańców w dwie soboty.", "goods": "Narzędzia",
                                "money": 2_000}}
    draft = api(svc, "POST", f"/editions/{area['edition_id']}/proposals", applicant.headers, json=content).json
    assert api(svc, "POST", f"/proposals/{draft['id']}/submission", applicant.headers).status_code == 200
    assert api(svc, "POST", f"/proposals/{draft['id']}/formal-verification", official,
               json=all_items_pass()).json["outcome"] == "positive"
    api(svc, "POST", f"/proposals/{draft['id']}/assignment", official, json={"department": zzm})
    assert api(svc, "POST", f"/proposals/{draft['id']}/reviews", zzm_reviewer, json={
        "outcome": "positive", "feasibility": {"ok": True}, "legal": {"ok": True}, "ownership": {"ok": True},
        "city_cost_estimate": 30_000}).status_code == 201
    return draft["id"]


def test_a_local_initiative_from_application_to_monitored_realisation(svc, official):
    programme, area = local_initiative_programme(svc, official)
    office, official = official, official.headers
    applicant = verified_resident(svc)

    # the own contribution is what makes it a local initiative: without it, no submission
    bare = api(svc, "POST", f"/editions/{programme['id']}/proposals", applicant.headers,
               json={**full_content(area["id"], title="Łąka kwietna", lat=51.76, lon=18.09), "category": None})
    refused = api(svc, "POST", f"/proposals/{bare.json['id']}/submission", applicant.headers)
    assert refused.status_code == 422 and [e["field"] for e in refused.json["errors"]] == ["contribution"]

    zzm = department(svc, office, "ZZM")
    zzm_reviewer = reviewer(svc, zzm).headers
    initiative = _through_review(svc, official, zzm, zzm_reviewer, applicant, area, "Łąka kwietna nad Prosną")
    weak = _through_review(svc, official, zzm, zzm_reviewer, verified_resident(svc), area, "Ławka")

    # scoring against the city's published criteria (default: benefit 10, contribution 10, durability 5)
    partial = api(svc, "POST", f"/proposals/{initiative}/scoring", official,
                  json={"scores": {"public_benefit": {"points": 11}, "own_contribution": {"points": 8}}})
    assert partial.status_code == 422
    assert {e["field"] for e in partial.json["errors"]} == {"scores.durability", "scores.public_benefit.points"}
    scored = api(svc, "POST", f"/proposals/{initiative}/scoring", official, json={"scores": {
        "public_benefit": {"points": 9}, "own_contribution": {"points": 8}, "durability": {"points": 4}}})
    assert scored.status_code == 201 and scored.json["findings"]["total"] == 21
    low = api(svc, "POST", f"/proposals/{weak}/scoring", official, json={"scores": {
        "public_benefit": {"points": 5}, "own_contribution": {"points": 5}, "durability": {"points": 2}}})
    assert low.json["outcome"] == "negative"
    assert api(svc, "GET", f"/proposals/{weak}").json["rejection_reason"] == "Ocena 12 pkt, wymagane 15 pkt."

    # terms: the applicant refuses the first offer, accepts the second
    terms = {"city_contribution": 28_000, "applicant_obligations": "Przygotowanie terenu i sadzenie roślin.",
             "starts_on": "2027-04-01", "ends_on": "2027-06-30"}
    backwards = api(svc, "POST", f"/proposals/{initiative}/terms", official,
                    json={"terms": {**terms, "ends_on": "2027-03-01"}, "reason": "umowa"})
    assert backwards.status_code == 422 and backwards.json["errors"][0]["field"] == "terms.ends_on"
    first = api(svc, "POST", f"/proposals/{initiative}/terms", official, json={"terms": terms, "reason": "umowa"})
    assert first.status_code == 201
    assert api(svc, "POST", f"/proposals/{initiative}/terms/{first.json['id']}/response", applicant.headers,
               json={"accept": False, "note": "Termin zbyt krótki."}).json["status"] == "refused"
    second = api(svc, "POST", f"/proposals/{initiative}/terms", official,
                 json={"terms": {**terms, "ends_on": "2027-08-31"}, "reason": "umowa po negocjacjach"}).json
    accepted = api(svc, "POST", f"/proposals/{initiative}/terms/{second['id']}/response", applicant.headers,
                   json={"accept": True})
    assert accepted.status_code == 200 and api(svc, "GET", f"/proposals/{initiative}").json["status"] == "agreed"

    # no vote for local initiatives
    assert api(svc, "POST", f"/editions/{programme['id']}/ballot", official,
               json={"reason": "głosowanie?"}).status_code == 409

    # realisation monitored like a PB winner
    (record,) = api(svc, "GET", "/implementations", params={"edition_id": programme["id"]}).json
    assert record["proposal_id"] == initiative and record["kind"] == "local_initiative" and record["department_code"] == zzm
    # the department's records across the editions: what its reviewers report on
    assert [r["id"] for r in api(svc, "GET", "/implementations", params={"department": zzm}).json] == [record["id"]]
    neither = api(svc, "GET", "/implementations")
    assert neither.status_code == 422 and neither.json["errors"][0]["field"] == "edition_id"
    assert api(svc, "POST", f"/implementations/{record['id']}/updates", zzm_reviewer,
               json={"status": "in_progress", "progress": 50, "note": "Posadzono połowę."}).status_code == 201
    assert api(svc, "GET", f"/implementations/{record['id']}").json["progress"] == 50
    types = [r[0] for r in svc.database.rows("SELECT event_type FROM outbox WHERE key = :k ORDER BY id", k=programme["id"])]
    assert {"initiative.terms_proposed", "initiative.terms_refused", "implementation.updated"} <= set(types)
