"""Who may do what with proposals — one test per rule, against proposals-svc's own app and database."""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from proposals_service_kit import (all_items_pass, api, department, draft, full_content, new_edition, reviewer, submitted,
                                   verified_resident)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from upload_samples import ACTIVE_PDFS, HTML_AS_PNG, phone_photo, plain_pdf_with_a_link  # noqa: E402


@pytest.fixture
def edition(svc, official):
    return new_edition(svc, official, support_required=0)


@pytest.fixture
def author(svc):
    return verified_resident(svc)


@pytest.fixture
def neighbour(svc):
    return verified_resident(svc)


def test_a_resident_edits_only_their_own_drafts(svc, edition, author, neighbour):
    mine = draft(svc, edition, author)
    assert api(svc, "PATCH", f"/proposals/{mine}", neighbour.headers, json={"title": "Przejęty"}).status_code == 403
    assert api(svc, "POST", f"/proposals/{mine}/submission", neighbour.headers).status_code == 403
    upload = api(svc, "POST", f"/proposals/{mine}/attachments", {**neighbour.headers, "Content-Type": "image/png"},
                 params={"filename": "mapa.png"}, data=b"\x89PNG\r\n\x1a\n")
    assert upload.status_code == 403
    assert api(svc, "GET", f"/proposals/{mine}", neighbour.headers).status_code == 404  # not even seen
    assert api(svc, "GET", f"/proposals/{mine}", author.headers).json["title"] == "Mój szkic"
    assert api(svc, "PATCH", f"/proposals/{mine}", author.headers, json={"title": "Mój poprawiony szkic"}).json[
        "title"] == "Mój poprawiony szkic"


def test_a_draft_s_versions_support_and_appeals_are_its_author_s_alone(svc, edition, author, neighbour):
    mine = draft(svc, edition, author, title="Szkic nie dla obcych")
    for path in (f"/proposals/{mine}/versions", f"/proposals/{mine}/support", f"/proposals/{mine}/appeals"):
        for who in (neighbour.headers, {}):
            r = api(svc, "GET", path, who)
            assert r.status_code == 404, (path, r.status_code, r.text)
            assert r.json["detail"] == "Nie ma takiego wniosku."  # as if it did not exist
        assert api(svc, "GET", path, author.headers).status_code == 200, path
    assert api(svc, "GET", f"/proposals/{mine}/versions/1/diff/1", neighbour.headers).json["detail"] == \
        "Nie ma takiego wniosku."


def test_only_verified_residents_submit_and_support(svc, edition, author):
    unverified = svc.caller("resident")  # an account whose residency identity-svc never announced
    created = api(svc, "POST", f"/editions/{edition['id']}/proposals", unverified.headers,
                  json=full_content(edition["areas"]["Ligota"]["id"], title="Bez weryfikacji", lat=50.2, lon=19.0))
    assert created.status_code == 201  # a draft is fine…
    refused = api(svc, "POST", f"/proposals/{created.json['id']}/submission", unverified.headers)
    assert refused.status_code == 403 and "deklarację zamieszkania" in refused.json["detail"]  # …submitting is not
    proposal = submitted(svc, author, {**full_content(edition["areas"]["Ligota"]["id"], title="Zweryfikowany",
                                                      lat=50.21, lon=19.01), "edition_id": edition["id"]})
    assert api(svc, "POST", f"/proposals/{proposal['id']}/support", unverified.headers).status_code == 403


def test_a_reviewer_sees_and_reviews_only_their_departments_proposals(svc, official, edition, author):
    ours, theirs = department(svc, official, "ZZM"), department(svc, official, "MOPS")
    our_reviewer, their_reviewer = reviewer(svc, ours).headers, reviewer(svc, theirs).headers
    proposal = submitted(svc, author, {**full_content(edition["areas"]["Dąb"]["id"], title="Dla wydziału",
                                                      lat=50.25, lon=19.05), "edition_id": edition["id"]})["id"]
    assert api(svc, "POST", f"/proposals/{proposal}/formal-verification", official.headers,
               json=all_items_pass()).json["outcome"] == "positive"
    assert api(svc, "POST", f"/proposals/{proposal}/assignment", official.headers,
               json={"department": ours}).status_code == 200

    assert api(svc, "GET", f"/departments/{theirs}/proposals", their_reviewer).json == []
    assert api(svc, "GET", f"/departments/{ours}/proposals", their_reviewer).status_code == 403
    assert api(svc, "GET", f"/proposals/{proposal}/reviews", their_reviewer).status_code == 403
    review = {"outcome": "negative", "feasibility": {"ok": False, "note": "Brak miejsca."}, "legal": {"ok": True},
              "ownership": {"ok": True}, "reason": "Teren za mały."}
    assert api(svc, "POST", f"/proposals/{proposal}/reviews", their_reviewer, json=review).status_code == 403
    assert api(svc, "POST", f"/proposals/{proposal}/reviews", official.headers, json=review).status_code == 403

    assert [p["id"] for p in api(svc, "GET", f"/departments/{ours}/proposals", our_reviewer).json] == [proposal]
    assert [r["stage"] for r in api(svc, "GET", f"/proposals/{proposal}/reviews", our_reviewer).json] == ["formal"]
    done = api(svc, "POST", f"/proposals/{proposal}/reviews", our_reviewer, json=review)
    assert done.status_code == 201 and api(svc, "GET", f"/proposals/{proposal}").json["status"] == \
        "substantively_rejected"


def test_office_actions_are_refused_to_residents(svc, edition, author, neighbour):
    proposal = submitted(svc, author, {**full_content(edition["areas"]["Dąb"]["id"], title="Na próbę uprawnień",
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
        r = api(svc, method, path, neighbour.headers, json=body)
        assert r.status_code == 403, (path, r.status_code, r.text)


def test_an_appeal_is_decided_by_a_coordinator_not_by_any_official(svc, official, edition, author):
    proposal = submitted(svc, author, {**full_content(edition["areas"]["Dąb"]["id"], title="Do odwołania",
                                                      lat=50.31, lon=19.11), "edition_id": edition["id"]})["id"]
    assert api(svc, "POST", f"/proposals/{proposal}/formal-verification", official.headers, json={"items": {
        "complete": {"passed": False, "note": "Brak mapy."}, "competence": {"passed": True},
        "cost_limit": {"passed": True}}}).json["outcome"] == "negative"
    appeal = api(svc, "POST", f"/proposals/{proposal}/appeals", author.headers,
                 json={"statement": "Mapa była w załączniku nr 2."}).json
    plain_official = svc.caller("pb_official").headers
    decision = {"upheld": True, "justification": "Mapa rzeczywiście była dołączona."}
    url = f"/proposals/{proposal}/appeals/{appeal['id']}/decision"
    assert api(svc, "POST", url, plain_official, json=decision).status_code == 403
    assert api(svc, "POST", url, official.headers, json=decision).status_code == 200  # a coordinator


def test_attachments_are_checked_for_type_and_size(svc, edition, author):
    mine = draft(svc, edition, author, "Z załącznikami")
    url = f"/proposals/{mine}/attachments"
    pdf = plain_pdf_with_a_link()
    ok = api(svc, "POST", url, {**author.headers, "Content-Type": "application/pdf"},
             params={"filename": "kosztorys.pdf"}, data=pdf)
    assert ok.status_code == 201 and ok.json["size"] == len(pdf)
    assert ok.json["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert api(svc, "GET", f"{url}/{ok.json['id']}", author.headers).data == pdf
    html = api(svc, "POST", url, {**author.headers, "Content-Type": "text/html"}, params={"filename": "x.html"},
               data=b"<script>alert(1)</script>")
    assert html.status_code == 415 and html.json["errors"][0]["field"] == "Content-Type"
    too_big = api(svc, "POST", url, {**author.headers, "Content-Type": "image/jpeg"},
                  params={"filename": "zdjecie.jpg"}, data=b"\xff" * (5 * 1024 * 1024 + 1))
    assert too_big.status_code == 413 and too_big.headers["Content-Type"].startswith("application/problem+json")
    assert [a["filename"] for a in api(svc, "GET", url, author.headers).json] == ["kosztorys.pdf"]
    assert api(svc, "GET", url).status_code == 404  # a draft's files are private


def test_an_attachment_is_judged_by_its_content_not_its_declared_type(svc, edition, author):
    """Issue 24 (4): HTML bytes named x.png as image/png, and a PDF with an /OpenAction JavaScript action, were
    accepted; a photo kept its GPS position."""
    mine = draft(svc, edition, author, "Z podejrzanymi plikami")
    url = f"/proposals/{mine}/attachments"

    def upload(content_type: str, filename: str, data: bytes):
        return api(svc, "POST", url, {**author.headers, "Content-Type": content_type},
                   params={"filename": filename}, data=data)

    html = upload("image/png", "x.png", HTML_AS_PNG)
    assert html.status_code == 422 and html.json["errors"][0]["field"] == "body", html.json
    assert html.headers["Content-Type"].startswith("application/problem+json")
    script = upload("application/pdf", "kosztorys.pdf", ACTIVE_PDFS["OpenAction JavaScript"])
    assert script.status_code == 422 and "aktywn" in script.json["detail"]
    photo = upload("image/jpeg", "plac.jpg", phone_photo(size=(40, 20), orientation=6))
    assert photo.status_code == 201, photo.json
    stored = api(svc, "GET", f"{url}/{photo.json['id']}", author.headers).data
    assert photo.json["size"] == len(stored) and photo.json["sha256"] == hashlib.sha256(stored).hexdigest()
    image = Image.open(io.BytesIO(stored))
    assert image.size == (20, 40) and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo) and "exif" not in image.info
    # nothing of the refused ones was kept
    assert [a["filename"] for a in api(svc, "GET", url, author.headers).json] == ["plac.jpg"]
