"""Formal verification decides by every criterion on the form (issue 27, point 4): the support list's count
against its threshold is one of them, and while the call for proposals is open the list can still grow — so
falling short is not yet a reason to reject. A rejection's reasons read by their labels (never "support: …"),
and its event carries them with the appeal deadline, for the applicant's mail."""

from __future__ import annotations

from datetime import datetime

from glos_chassis.testing import outbox_events
from proposals_service_kit import all_items_pass, api, full_content, new_edition, submitted, verified_resident
from proposals_svc.models import outbox


def _proposal(svc, official, title: str):
    edition = new_edition(svc, official, support_required=2)
    author = verified_resident(svc)
    proposal = submitted(svc, author, {**full_content(edition["areas"]["Dąb"]["id"], title=title, lat=50.24, lon=19.04),
                                       "edition_id": edition["id"]})
    return edition, proposal


def test_a_short_support_list_is_no_reason_to_reject_while_it_can_still_grow(svc, official):
    edition, proposal = _proposal(svc, official, "Ławki w parku")
    refused = api(svc, "POST", f"/proposals/{proposal['id']}/formal-verification", official.headers,
                  json=all_items_pass("kompletny"))
    assert refused.status_code == 409 and refused.json["type"].endswith("/support-still-collecting")
    assert refused.json["errors"][0]["field"] == "support" and "0 z wymaganych 2" in refused.json["detail"]
    assert api(svc, "GET", f"/proposals/{proposal['id']}", official.headers).json["status"] == "submitted"

    # another criterion fails: the rejection names it by its label, and only it
    failed = api(svc, "POST", f"/proposals/{proposal['id']}/formal-verification", official.headers, json={"items": {
        "complete": {"passed": True}, "cost_limit": {"passed": True},
        "competence": {"passed": False, "note": "Teren nie należy do miasta."}}})
    assert failed.status_code == 201 and failed.json["outcome"] == "negative"
    reason = api(svc, "GET", f"/proposals/{proposal['id']}", official.headers).json["rejection_reason"]
    assert reason.endswith(": Teren nie należy do miasta.") and "competence" not in reason
    assert "Lista poparcia" not in reason
    (event,) = [e for e in outbox_events(svc.database, outbox, "proposal.verified")
                if e.data["proposal_id"] == proposal["id"]]
    assert event.data["reasons"] == [reason] and event.data["title"] == "Ławki w parku"
    appeal_by = datetime.fromisoformat(event.data["appeal_by"])
    assert (appeal_by - datetime.now(appeal_by.tzinfo)).days in (6, 7)  # the edition's seven days to appeal


def test_once_the_call_has_closed_a_short_support_list_rejects_with_its_count(svc, official):
    edition, proposal = _proposal(svc, official, "Kosze na śmieci")
    assert api(svc, "POST", f"/editions/{edition['id']}/phase", official.headers,
               json={"phase": "formal_verification", "reason": "koniec naboru"}).status_code == 200
    review = api(svc, "POST", f"/proposals/{proposal['id']}/formal-verification", official.headers,
                 json=all_items_pass())
    assert review.json["outcome"] == "negative"
    assert review.json["findings"]["support"] == {"passed": False, "supporters": 0, "required": 2,
                                                  "note": "Lista poparcia: 0 z wymaganych 2 podpisów."}
    assert api(svc, "GET", f"/proposals/{proposal['id']}", official.headers).json["rejection_reason"] == \
        "Lista poparcia: 0 z wymaganych 2 podpisów."


def test_the_office_home_counts_what_waits_in_an_edition(svc, official):
    """Issue 27 (9): proposals to verify, appeals and open change requests, counted by the service."""
    edition, proposal = _proposal(svc, official, "Ławki nad stawem")
    work = api(svc, "GET", f"/editions/{edition['id']}/work", official.headers)
    assert work.status_code == 200
    assert work.json == {"to_formal_verification": 1, "in_substantive_review": 0, "appeals_to_decide": 0,
                         "change_requests_open": 0}
    assert api(svc, "GET", f"/editions/{edition['id']}/work", verified_resident(svc).headers).status_code == 403
