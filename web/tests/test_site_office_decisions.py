"""The decisions that close verification, in the office console: two proposals ~45 m apart found by the distance
check and resolved with a reason (a too-short one refused by its field); a change request with the city's cost
items (a line that is not "name: amount" refused by its number) accepted by the applicant; the lists refused
while an appeal waits;
the appeal dismissed with a justification (no decision chosen is refused and what was typed stays); then the
lists published with the rejected proposal and its reason."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from site_kit import log_in

pytestmark = pytest.mark.platform

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "proposals-svc" / "tests"))
from edition_kit import (all_items_pass, api, department, full_content, new_edition, reviewer,  # noqa: E402
                         submitted, verified_resident)

REVIEW = {"outcome": "positive", "feasibility": {"ok": True}, "legal": {"ok": True}, "ownership": {"ok": True},
          "city_cost_estimate": 40_000, "reason": "wykonalny"}


def test_conflicts_appeals_and_the_published_lists(page, axe, gateway, official_headers, accounts):
    edition = new_edition(gateway, official_headers, support_required=0)
    eid, dab, ligota = edition["id"], edition["areas"]["Dąb"]["id"], edition["areas"]["Ligota"]["id"]
    author = verified_resident(gateway)
    benches = submitted(gateway, author, {**full_content(dab, title="Ławki przy stawie", lat=50.2400, lon=19.0400),
                                          "edition_id": eid})["id"]
    gym = submitted(gateway, author, {**full_content(dab, title="Siłownia przy stawie", lat=50.2404, lon=19.0403),
                                      "edition_id": eid})["id"]
    flowers = submitted(gateway, author, {**full_content(ligota, title="Kwiaty na skwerze", lat=50.23, lon=18.98),
                                          "edition_id": eid})["id"]
    api(gateway, "POST", f"/editions/{eid}/phase", official_headers,
        json={"phase": "formal_verification", "reason": "koniec naboru"})
    code = department(gateway, official_headers, "ZIELEN")
    greenery = reviewer(gateway, official_headers, code)
    for pid in (benches, gym):
        assert api(gateway, "POST", f"/proposals/{pid}/formal-verification", official_headers,
                   json=all_items_pass()).status_code == 201
        api(gateway, "POST", f"/proposals/{pid}/assignment", official_headers, json={"department": code})
        assert api(gateway, "POST", f"/proposals/{pid}/reviews", greenery, json=REVIEW).status_code == 201
    rejected = api(gateway, "POST", f"/proposals/{flowers}/formal-verification", official_headers, json={"items": {
        "complete": {"passed": True}, "cost_limit": {"passed": True},
        "competence": {"passed": False, "note": "Skwer należy do spółdzielni mieszkaniowej."}}})
    assert rejected.json()["outcome"] == "negative"
    appeal = api(gateway, "POST", f"/proposals/{flowers}/appeals", author.headers,
                 json={"statement": "Spółdzielnia zgodziła się na nasadzenia — załączam pismo."})
    assert appeal.status_code == 201, appeal.text

    # -- conflicts: the distance check finds the pair; a resolution too short is refused by its field
    log_in(page, accounts["official"][0], f"/urzad/edycje/{eid}/weryfikacja", accounts["official"][1])
    page.get_by_role("link", name="Konflikty między wnioskami").click()
    assert page.get_by_text("Brak konfliktów.").is_visible()
    page.get_by_role("button", name="Sprawdź odległości między lokalizacjami").click()
    assert page.get_by_text("Sprawdzono odległości: 1 nowy konflikt.").is_visible()
    (conflict,) = api(gateway, "GET", f"/editions/{eid}/conflicts", official_headers).json()
    card = page.locator(f"#conflict-{conflict['id']}")
    # the pair in the order proposals-svc recorded it (by id), so either way round
    assert card.inner_text().split("\n")[0] in ("Ławki przy stawie — Siłownia przy stawie",
                                                "Siłownia przy stawie — Ławki przy stawie")
    assert 30 < conflict["distance_m"] < 60
    assert f"Lokalizacje w odległości {round(conflict['distance_m'])} m." in card.inner_text()
    axe.check(page)
    card.get_by_label("Rozstrzygnięcie (widoczne w rejestrze zmian)").fill("ok")
    card.get_by_role("button", name="Rozstrzygnij").click()
    assert page.locator(f"[id='resolution-{conflict['id']}-error']").is_visible()
    assert page.get_by_label("Rozstrzygnięcie (widoczne w rejestrze zmian)").input_value() == "ok"
    page.get_by_label("Rozstrzygnięcie (widoczne w rejestrze zmian)").fill("Ławki i siłownia stoją po dwóch stronach stawu.")
    page.get_by_role("button", name="Rozstrzygnij").click()
    assert page.get_by_text("Konflikt rozstrzygnięty.").is_visible()
    assert "Rozstrzygnięcie: Ławki i siłownia stoją po dwóch stronach stawu." in page.locator(
        f"#conflict-{conflict['id']}").inner_text()
    assert api(gateway, "GET", f"/editions/{eid}/conflicts", official_headers).json()[0]["status"] == "resolved"

    # -- a change request: the city's cost items proposed to the applicant, who accepts them
    page.goto(f"/urzad/wnioski/{benches}")
    assert page.get_by_text("Brak propozycji zmian.").is_visible()
    page.get_by_label("Nowy kosztorys").fill("Ławki: 40 000\nMontaż 12000")
    page.get_by_label("Powód zmian (wnioskodawca go zobaczy)").fill("koszt według wyceny wydziału")
    page.get_by_role("button", name="Wyślij propozycję zmian").click()
    assert page.locator("#changes_cost_items-error").inner_text().endswith("Wiersz 2: wpisz „nazwa: kwota w złotych”.")
    assert page.get_by_label("Nowy kosztorys").input_value() == "Ławki: 40 000\nMontaż 12000"
    axe.check(page)
    page.get_by_label("Nowy kosztorys").fill("Ławki: 40 000\nMontaż: 12 000")
    page.get_by_role("button", name="Wyślij propozycję zmian").click()
    assert page.get_by_text("Propozycja zmian wysłana wnioskodawcy.").is_visible()
    (change,) = api(gateway, "GET", f"/proposals/{benches}/change-requests", official_headers).json()
    assert change["changes"]["cost_items"] == [{"name": "Ławki", "amount": 40_000}, {"name": "Montaż", "amount": 12_000}]
    assert "czeka na odpowiedź" in page.locator(f"#change-{change['id']}").inner_text()
    assert api(gateway, "POST", f"/proposals/{benches}/change-requests/{change['id']}/response", author.headers,
               json={"accept": True, "note": "Zgoda."}).status_code == 200
    page.reload()
    card = page.locator(f"#change-{change['id']}")
    assert "przyjęta" in card.inner_text() and "Nowa wersja wniosku: 2." in card.inner_text()
    assert api(gateway, "GET", f"/proposals/{benches}").json()["cost"] == 52_000
    axe.check(page)

    # -- the lists wait for the appeal; the appeal is dismissed with a justification
    page.goto(f"/urzad/edycje/{eid}/listy")
    page.get_by_label("Uzasadnienie publikacji (do rejestru zmian)").fill("publikacja list")
    page.get_by_role("button", name="Opublikuj listy").click()
    assert "appealed: 1" in page.locator("#error-summary").inner_text()
    axe.check(page)
    page.goto(f"/urzad/edycje/{eid}/odwolania")
    item = page.locator(f"#appeal-{appeal.json()['id']}")
    assert "Spółdzielnia zgodziła się na nasadzenia" in item.inner_text()
    item.get_by_label("Uzasadnienie (wnioskodawca je otrzyma)").fill("Pismo spółdzielni nie wpłynęło do urzędu.")
    item.get_by_role("button", name="Zapisz decyzję").click()
    assert page.locator(f"[id='upheld-{appeal.json()['id']}-error']").is_visible()
    assert page.get_by_label("Uzasadnienie (wnioskodawca je otrzyma)").input_value() == \
        "Pismo spółdzielni nie wpłynęło do urzędu."
    axe.check(page)
    page.get_by_label("oddalić").check()
    page.get_by_role("button", name="Zapisz decyzję").click()
    assert page.get_by_text("Odwołanie oddalone.").is_visible()
    assert page.get_by_text("Brak odwołań czekających na decyzję.").is_visible()

    # -- the lists published: both Dąb proposals qualified, the flowers rejected with the reason
    page.goto(f"/urzad/edycje/{eid}/listy")
    page.get_by_role("button", name="Opublikuj listy").click()
    assert page.locator("#reason-error").is_visible()
    page.get_by_label("Uzasadnienie publikacji (do rejestru zmian)").fill("publikacja list po odwołaniach")
    page.get_by_role("button", name="Opublikuj listy").click()
    assert page.get_by_text("Listy opublikowane.").is_visible()
    dab_section = page.locator("section", has=page.get_by_role("heading", name="Dąb", exact=True))
    assert dab_section.get_by_role("row", name="Ławki przy stawie").is_visible()
    assert dab_section.get_by_role("row", name="Siłownia przy stawie").is_visible()
    ligota_row = page.locator("section", has=page.get_by_role("heading", name="Ligota", exact=True)).get_by_role(
        "row", name="Kwiaty na skwerze")
    assert "oddalone" in ligota_row.inner_text()
    axe.check(page)
    published = api(gateway, "GET", f"/editions/{eid}/lists").json()
    assert {p["proposal_id"] for a in published["lists"]["areas"] for p in a["qualified"]} == {benches, gym}
