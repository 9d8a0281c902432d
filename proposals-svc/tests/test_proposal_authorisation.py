"""Who may do what with proposals — one test per rule, on the real stack through nginx."""

from __future__ import annotations

import hashlib
import uuid

import pytest
import requests

from edition_kit import (all_items_pass, api, department, full_content, new_edition, reviewer, submitted,
                         verified_resident)
from glos_testing import login, seed_account


@pytest.fixture(scope="module")
def edition(gateway, official_headers):
    return new_edition(gateway, official_headers, support_required=0)


@pytest.fixture(scope="module")
def author(gateway):
    return verified_resident(gateway)


@pytest.fixture(scope="module")
def neighbour(gateway):
    return verified_resident(gateway)


def _draft(gateway, edition, resident, title="Mój szkic"):
    r = api(gateway, "POST", f"/editions/{edition['id']}/proposals", resident.headers, json={"title": title})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_a_resident_edits_only_their_own_drafts(gateway, edition, author, neighbour):
    draft = _draft(gateway, edition, author)
    assert api(gateway, "PATCH", f"/proposals/{draft}", neighbour.headers, json={"title": "Przejęty"}).status_code == 403
    assert api(gateway, "POST", f"/proposals/{draft}/submission", neighbour.headers).status_code == 403
    upload = api(gateway, "POST", f"/proposals/{draft}/attachments", {**neighbour.headers, "Content-Type": "image/png"},
                 params={"filename": "mapa.png"}, data=b"\x89PNG\r\n\x1a\n")
    assert upload.status_code == 403
    assert api(gateway, "GET", f"/proposals/{draft}", neighbour.headers).status_code == 404  # not even seen
    assert api(gateway, "GET", f"/proposals/{draft}", author.headers).json()["title"] == "Mój szkic"
    assert api(gateway, "PATCH", f"/proposals/{draft}", author.headers, json={"title": "Mój poprawiony szkic"}).json()[
        "title"] == "Mój poprawiony szkic"


def test_a_draft_s_versions_support_and_appeals_are_its_author_s_alone(gateway, edition, author, neighbour):
    draft = _draft(gateway, edition, author, title="Szkic nie dla obcych")
    for path in (f"/proposals/{draft}/versions", f"/proposals/{draft}/support", f"/proposals/{draft}/appeals"):
        for who in (neighbour.headers, {}):
            r = api(gateway, "GET", path, who)
            assert r.status_code == 404, (path, r.status_code, r.text)
            assert r.json()["detail"] == "Nie ma takiego wniosku."  # as if it did not exist
        assert api(gateway, "GET", path, author.headers).status_code == 200, path
    assert api(gateway, "GET", f"/proposals/{draft}/versions/1/diff/1", neighbour.headers).json()["detail"] == \
        "Nie ma takiego wniosku."


def test_only_verified_residents_submit_and_support(gateway, edition, author):
    email = f"niezweryfikowany-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email, "haslo-niezweryfikowane-1", "resident")
    unverified = {"Authorization": f"Bearer {login(gateway, email, 'haslo-niezweryfikowane-1')}"}
    draft = api(gateway, "POST", f"/editions/{edition['id']}/proposals", unverified,
                json=full_content(edition["areas"]["Ligota"]["id"], title="Bez weryfikacji", lat=50.2, lon=19.0))
    assert draft.status_code == 201  # a draft is fine…
    refused = api(gateway, "POST", f"/proposals/{draft.json()['id']}/submission", unverified)
    assert refused.status_code == 403 and "deklarację zamieszkania" in refused.json()["detail"]  # …submitting is not
    proposal = submitted(gateway, author, {**full_content(edition["areas"]["Ligota"]["id"], title="Zweryfikowany",
                                                          lat=50.21, lon=19.01), "edition_id": edition["id"]})
    assert api(gateway, "POST", f"/proposals/{proposal['id']}/support", unverified).status_code == 403


def test_a_reviewer_sees_and_reviews_only_their_departments_proposals(gateway, official_headers, edition, author):
    ours, theirs = department(gateway, official_headers, "ZZM"), department(gateway, official_headers, "MOPS")
    our_reviewer, their_reviewer = reviewer(gateway, official_headers, ours), reviewer(gateway, official_headers, theirs)
    proposal = submitted(gateway, author, {**full_content(edition["areas"]["Dąb"]["id"], title="Dla wydziału",
                                                          lat=50.25, lon=19.05), "edition_id": edition["id"]})["id"]
    assert api(gateway, "POST", f"/proposals/{proposal}/formal-verification", official_headers,
               json=all_items_pass()).json()["outcome"] == "positive"
    assert api(gateway, "POST", f"/proposals/{proposal}/assignment", official_headers,
               json={"department": ours}).status_code == 200

    assert api(gateway, "GET", f"/departments/{theirs}/proposals", their_reviewer).json() == []
    assert api(gateway, "GET", f"/departments/{ours}/proposals", their_reviewer).status_code == 403
    assert api(gateway, "GET", f"/proposals/{proposal}/reviews", their_reviewer).status_code == 403
    review = {"outcome": "negative", "feasibility": {"ok": False, "note": "Brak miejsca."}, "legal": {"ok": True},
              "ownership": {"ok": True}, "reason": "Teren za mały."}
    assert api(gateway, "POST", f"/proposals/{proposal}/reviews", their_reviewer, json=review).status_code == 403
    assert api(gateway, "POST", f"/proposals/{proposal}/reviews", official_headers, json=review).status_code == 403

    assert [p["id"] for p in api(gateway, "GET", f"/departments/{ours}/proposals", our_reviewer).json()] == [proposal]
    assert [r["stage"] for r in api(gateway, "GET", f"/proposals/{proposal}/reviews", our_reviewer).json()] == ["formal"]
    done = api(gateway, "POST", f"/proposals/{proposal}/reviews", our_reviewer, json=review)
    assert done.status_code == 201 and api(gateway, "GET", f"/proposals/{proposal}").json()["status"] == \
        "substantively_rejected"


def test_office_actions_are_refused_to_residents(gateway, edition, author, neighbour):
    proposal = submitted(gateway, author, {**full_content(edition["areas"]["Dąb"]["id"], title="Na próbę uprawnień",
                                                          lat=50.3, lon=19.1), "edition_id": edition["id"]})["id"]
    eid = edition["id"]
    for method, path, body in (
            ("POST", f"/proposals/{proposal}/formal-verification", all_items_pass()),
            ("POST", f"/proposals/{proposal}/assignment", {"department": "ZZM"}),
            ("POST", f"/proposals/{proposal}/change-requests", {"changes": {"title": "Nowy"}, "reason": "bo tak"}),
            ("POST", f"/editions/{eid}/phase", {"phase": "voting", "reason": "bo tak"}),
            ("POST", f"/editions/{eid}/lists", {"reason": "bo tak"}),
            ("POST", f"/editions/{eid}/conflicts/check", None),
            ("PUT", f"/editions/{eid}/settings", {"settings": {}, "reason": "bo tak"}),
            ("POST", "/departments", {"code": "HAKER", "name": "Wydział hakerów"})):
        r = api(gateway, method, path, neighbour.headers, json=body)
        assert r.status_code == 403, (path, r.status_code, r.text)


def test_an_appeal_is_decided_by_a_coordinator_not_by_any_official(gateway, official_headers, edition, author):
    proposal = submitted(gateway, author, {**full_content(edition["areas"]["Dąb"]["id"], title="Do odwołania",
                                                          lat=50.31, lon=19.11), "edition_id": edition["id"]})["id"]
    assert api(gateway, "POST", f"/proposals/{proposal}/formal-verification", official_headers, json={"items": {
        "complete": {"passed": False, "note": "Brak mapy."}, "competence": {"passed": True},
        "cost_limit": {"passed": True}}}).json()["outcome"] == "negative"
    appeal = api(gateway, "POST", f"/proposals/{proposal}/appeals", author.headers,
                 json={"statement": "Mapa była w załączniku nr 2."}).json()
    email = f"urzednik-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email, "haslo-urzednika-12345", "pb_official")
    plain_official = {"Authorization": f"Bearer {login(gateway, email, 'haslo-urzednika-12345')}"}
    decision = {"upheld": True, "justification": "Mapa rzeczywiście była dołączona."}
    url = f"/proposals/{proposal}/appeals/{appeal['id']}/decision"
    assert api(gateway, "POST", url, plain_official, json=decision).status_code == 403
    assert api(gateway, "POST", url, official_headers, json=decision).status_code == 200  # a coordinator


def test_attachments_are_checked_for_type_and_size(gateway, edition, author):
    draft = _draft(gateway, edition, author, "Z załącznikami")
    url = f"/proposals/{draft}/attachments"
    pdf = b"%PDF-1.4\n" + b"0" * 2000
    ok = api(gateway, "POST", url, {**author.headers, "Content-Type": "application/pdf"},
             params={"filename": "kosztorys.pdf"}, data=pdf)
    assert ok.status_code == 201 and ok.json()["size"] == len(pdf)
    assert ok.json()["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert api(gateway, "GET", f"{url}/{ok.json()['id']}", author.headers).content == pdf
    html = api(gateway, "POST", url, {**author.headers, "Content-Type": "text/html"}, params={"filename": "x.html"},
               data=b"<script>alert(1)</script>")
    assert html.status_code == 415 and html.json()["errors"][0]["field"] == "Content-Type"
    too_big = api(gateway, "POST", url, {**author.headers, "Content-Type": "image/jpeg"},
                  params={"filename": "zdjecie.jpg"}, data=b"\xff" * (5 * 1024 * 1024 + 1))
    assert too_big.status_code == 413 and too_big.headers["Content-Type"].startswith("application/problem+json")
    assert [a["filename"] for a in api(gateway, "GET", url, author.headers).json()] == ["kosztorys.pdf"]
    assert requests.get(f"{gateway}/api/proposals{url}", timeout=10).status_code == 404  # a draft's files are private
