"""Demo data for `./glos up`: staff and resident accounts, the Katowice 2020 edition (imported from Pabulib), a
2027 edition open for proposals and an open consultation, loaded through the gateway.

The accounts are created with identity-svc's own command; everything else goes through the public API,
as a resident or an official would do it. Running it twice changes nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from stdnum.pl import pesel

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

DEMO_ACCOUNTS = [
    ("urzednik@glos.local", "urzednik-demo-haslo", "Anna Urzędniczka", "pb_official,coordinator,admin"),
    ("mieszkaniec@glos.local", "mieszkaniec-demo-haslo", "Jan Mieszkaniec", "resident"),
]
DEMO_EDITION = {"name": "Budżet Obywatelski Katowice 2027 (demo)", "city": "Katowice", "year": 2027,
                "settings": {"support_required": 2, "categories": ["zieleń", "bezpieczeństwo", "edukacja"]}}
DEMO_AREAS = [("Ogólnomiejski", "city", 5_000_000, 1_000_000), ("Dąb", "district", 600_000, 200_000),
              ("Ligota-Panewniki", "district", 700_000, 200_000)]
DEMO_PROPOSALS = [
    ("Dąb", {"title": "Ławki i zieleń na placu przy ul. Dębowej", "category": "zieleń",
             "cost_items": [{"name": "Ławki (10 szt.)", "amount": 60_000}, {"name": "Nasadzenia", "amount": 90_000},
                            {"name": "Poidełko", "amount": 30_000}],
             "location_address": "ul. Dębowa, Katowice", "latitude": 50.2712, "longitude": 18.9936}),
    ("Dąb", {"title": "Bezpieczne przejście przy Szkole Podstawowej nr 12", "category": "bezpieczeństwo",
             "cost_items": [{"name": "Doświetlenie przejścia", "amount": 70_000}, {"name": "Progi", "amount": 25_000}],
             "location_address": "ul. Szkolna 1, Katowice", "latitude": 50.2731, "longitude": 18.9901}),
    ("Ogólnomiejski", {"title": "Warsztaty kodowania dla seniorów", "category": "edukacja",
                       "cost_items": [{"name": "20 spotkań z prowadzącym", "amount": 40_000}],
                       "location_address": "Biblioteka Śląska, pl. Rady Europy 1", "latitude": 50.2617,
                       "longitude": 19.0275}),
]
DEMO_TEXT = {"description": "Projekt przygotowany z sąsiadami; szczegóły w załącznikach i na mapie obok wniosku.",
             "justification": "Mieszkańcy od lat zgłaszają tę potrzebę radzie dzielnicy.",
             "beneficiaries": "Mieszkańcy dzielnicy, seniorzy, dzieci.",
             "universal_design": "Dostępne dla osób z niepełnosprawnościami, bez progów i schodów."}
DEMO_CONSULTATION = {"subject": "Przebudowa placu przy ul. Dębowej (demo)",
                     "description": "Jak ma wyglądać plac po przebudowie? Ankieta, uwagi do koncepcji i spacer studyjny.",
                     "scope_districts": ["Dąb"], "forms": ["survey", "comments", "meetings"],
                     "participation": "residents_in_scope", "department": "WUA", "moderation": "post"}


REPO = Path(__file__).resolve().parent.parent
KATOWICE = {"name": "Budżet Obywatelski Katowice 2020", "city": "Katowice", "year": "2020",
            "files": sorted((REPO / "data" / "pabulib" / "katowice-2020").glob("*.pb"))}


def token(gateway: str, email: str, password: str) -> str:
    response = requests.post(f"{gateway}/api/identity/token", json={"email": email, "password": password},
                             timeout=10)
    response.raise_for_status()
    return response.json()["access_token"]


def _wait(attempt, timeout: float = 60):
    """Retry `attempt` (returns a response) while the answer is a 403 — the resident's verification has not
    reached the service yet — up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        response = attempt()
        if response.status_code != 403 or time.monotonic() > deadline:
            response.raise_for_status()
            return response
        time.sleep(0.5)


def _demo_edition(gateway: str, official: dict, resident: dict) -> dict:
    """An edition open for proposals (city-wide + two districts), three proposals by the demo resident."""
    editions = requests.get(f"{gateway}/api/proposals/editions", timeout=10).json()
    edition = next((e for e in editions if e["name"] == DEMO_EDITION["name"]), None)
    if edition is not None:
        return edition
    api = f"{gateway}/api/proposals"
    edition = requests.post(f"{api}/editions", json=DEMO_EDITION, headers=official, timeout=10)
    edition.raise_for_status()
    edition = edition.json()
    areas = {}
    for name, kind, budget, limit in DEMO_AREAS:
        r = requests.post(f"{api}/editions/{edition['id']}/areas", headers=official, timeout=10,
                          json={"name": name, "kind": kind, "budget": budget, "max_project_cost": limit})
        r.raise_for_status()
        areas[name] = r.json()["id"]
    now = datetime.now(UTC)
    requests.put(f"{api}/editions/{edition['id']}/schedule", headers=official, timeout=10, json={
        "reason": "harmonogram edycji demonstracyjnej", "phases": [
            {"phase": "submission", "starts_at": (now - timedelta(days=1)).isoformat(),
             "ends_at": (now + timedelta(days=60)).isoformat()},
            {"phase": "formal_verification", "starts_at": (now + timedelta(days=60)).isoformat(),
             "ends_at": (now + timedelta(days=90)).isoformat()}]}).raise_for_status()
    deadline = time.monotonic() + 60  # the worker's scheduler opens the submission phase within seconds
    while requests.get(f"{api}/editions/{edition['id']}/schedule", timeout=10).json()["current_phase"] != "submission":
        if time.monotonic() > deadline:
            raise SystemExit("the demo edition's submission phase did not open (is proposals-svc's worker running?)")
        time.sleep(0.5)
    # the demo resident declares residency in Dąb (a valid, made-up PESEL), as a resident would in their profile
    digits = "8503141234"
    requests.post(f"{gateway}/api/identity/me/resident", headers=resident, timeout=10, json={
        "pesel": digits + pesel.calc_check_digit(digits), "first_name": "Jan", "last_name": "Mieszkaniec",
        "address": "ul. Dębowa 5", "district": "Dąb"})  # 409 on a second run: already declared
    for area, proposal in DEMO_PROPOSALS:
        draft = requests.post(f"{api}/editions/{edition['id']}/proposals", headers=resident, timeout=10,
                              json={**proposal, **DEMO_TEXT, "area_id": areas[area]})
        draft.raise_for_status()
        _wait(lambda: requests.post(f"{api}/proposals/{draft.json()['id']}/submission",
                                      headers=resident, timeout=10))
    return edition


def _demo_consultation(gateway: str, official: dict) -> dict:
    """An open consultation on Dąb with a short survey, a document to comment on and a meeting."""
    api = f"{gateway}/api/consultation/consultations"
    existing = next((c for c in requests.get(api, timeout=10).json() if c["subject"] == DEMO_CONSULTATION["subject"]),
                    None)
    if existing is not None:
        return existing
    now = datetime.now(UTC)
    consultation = requests.post(api, headers=official, timeout=10, json={
        **DEMO_CONSULTATION, "closes_at": (now + timedelta(days=30)).isoformat()})
    consultation.raise_for_status()
    cid = consultation.json()["id"]
    requests.put(f"{api}/{cid}/survey", headers=official, timeout=10, json={"questions": [
        {"code": "q1", "type": "single", "text": "Jak często bywa Pan/Pani na placu?", "required": True,
         "spec": {"options": ["codziennie", "co tydzień", "rzadko", "nigdy"]}},
        {"code": "q2", "type": "multiple", "text": "Czego brakuje na placu? (najwyżej 2)", "required": True,
         "spec": {"options": ["ławek", "zieleni", "cienia", "placu zabaw"], "min_choices": 1, "max_choices": 2}},
        {"code": "q3", "type": "scale", "text": "Jak ocenia Pan/Pani plac dziś?", "spec": {"min": 1, "max": 5}},
        {"code": "q4", "type": "long_text", "text": "Dlaczego Pan/Pani tam nie bywa?",
         "condition": {"question": "q1", "any_of": ["nigdy"]}}]}).raise_for_status()
    requests.post(f"{api}/{cid}/documents", headers=official, timeout=10, json={
        "title": "Koncepcja przebudowy placu", "sections": [
            {"heading": "§1 Nawierzchnia", "body": "Plac zostanie wyłożony kostką granitową z pasami zieleni."},
            {"heading": "§2 Zieleń", "body": "Wzdłuż placu powstanie szpaler 20 lip drobnolistnych."},
            {"heading": "§3 Parking", "body": "Parking na 30 miejsc zostaje przeniesiony na ul. Bocianią."}]}
    ).raise_for_status()
    starts = (now + timedelta(days=7)).replace(hour=17, minute=0, second=0, microsecond=0)
    requests.post(f"{api}/{cid}/meetings", headers=official, timeout=10, json={
        "title": "Spacer studyjny po placu", "place": "Plac przy ul. Dębowej (przy fontannie)", "capacity": 25,
        "starts_at": starts.isoformat(), "registration_closes_at": (starts - timedelta(hours=12)).isoformat()}
    ).raise_for_status()
    requests.post(f"{api}/{cid}/status", headers=official, timeout=10,
                  json={"status": "open", "reason": "otwarcie konsultacji demonstracyjnych"}).raise_for_status()
    return consultation.json()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="dev", choices=sorted(stack.PROFILES))
    args = parser.parse_args()
    profile = stack.PROFILES[args.profile]
    env = {**os.environ, **stack.service_env(profile)}
    for email, password, name, roles in DEMO_ACCOUNTS:
        subprocess.run([str(stack.VENV_BIN / "identity-svc"), "seed-account", "--email", email, "--password",
                        password, "--name", name, "--roles", roles], check=True, env=env)
    # The real demo edition: Katowice 2020, city-wide + 22 districts, through the Pabulib importer.
    subprocess.run([str(stack.VENV_BIN / "proposals-svc"), "import-pabulib", "--name", KATOWICE["name"], "--city",
                    KATOWICE["city"], "--year", KATOWICE["year"], *map(str, KATOWICE["files"])], check=True, env=env)
    gateway = f"http://127.0.0.1:{profile.gateway_port}"
    official = {"Authorization": f"Bearer {token(gateway, *DEMO_ACCOUNTS[0][:2])}"}
    resident = {"Authorization": f"Bearer {token(gateway, *DEMO_ACCOUNTS[1][:2])}"}
    edition = _demo_edition(gateway, official, resident)
    print(f"demo edition: {edition['name']} ({gateway}/api/proposals/editions/{edition['id']}/proposals)")
    consultation = _demo_consultation(gateway, official)
    print(f"demo consultation: {consultation['subject']} ({gateway}/api/consultation/consultations/{consultation['id']})")
    print("demo accounts: " + ", ".join(f"{e} / {p}" for e, p, _, _ in DEMO_ACCOUNTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
