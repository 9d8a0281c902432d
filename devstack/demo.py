"""Demo data for `./glos up`: staff and resident accounts, and three editions a newcomer can walk through:

- **Katowice 2026 — voting open**: the 23 real areas of Katowice 2020 (city-wide + 22 districts, imported from
  Pabulib), rules frozen, eligibility set; the demo resident (Dąb) can vote;
- **Katowice 2027 — open for proposals**: three submitted by the demo resident;
- **Katowice 2020 — finished**: city-wide, Dąb and Załęże with their real ballots (2,775 voters) cast through
  the gateway's vote API, closed, results published with the revealed draw seed, implementation under way;

and an open consultation, loaded through the gateway.

The accounts are created with identity-svc's own command; everything else goes through the public API,
as a resident or an official would do it. Running it twice changes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
PABULIB = REPO / "data" / "pabulib" / "katowice-2020"
VOTING = {"name": "Budżet Obywatelski Katowice 2026 (demo)", "city": "Katowice", "year": "2026",
          "files": sorted(PABULIB.glob("*.pb")),
          # demo texts and pictures for some projects (Pabulib files carry titles and costs only)
          "showcase": Path(__file__).resolve().parent / "demo_showcase.json"}
FINISHED = {"name": "Budżet Obywatelski Katowice 2020 (wyniki)", "city": "Katowice", "year": "2020",
            "files": [PABULIB / "Poland_Katowice_2020.pb", PABULIB / "Poland_Katowice_2020_Dab.pb",
                      PABULIB / "Poland_Katowice_2020_Zaleze.pb"]}
FINISHED_SEED = "katowice-2020-losowanie-demo"
RULES = {
    "city": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district": {"type": "cumulative", "min_projects": 1, "max_projects": 3, "max_points": 3},
    "district_choice": "own",
    "selection": {"rule": "greedy-threshold", "min_score": 200, "min_score_by_kind": {"district": 50},
                  "tie_break": ["draw"]},
    "eligibility": {"voting_day": "2026-12-20", "residency": "either"},
}
IMPLEMENTATION_NOTES = [("in_preparation", 15, "Dokumentacja projektowa zlecona; wybór wykonawcy w toku."),
                        ("in_progress", 60, "Prace budowlane rozpoczęte, zakończenie planowane na wiosnę."),
                        ("completed", 100, "Projekt zrealizowany i oddany mieszkańcom.")]


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


def _freeze(gateway: str, official: dict, edition_id: str, rules: dict, reason: str) -> None:
    """The office's steps before voting: the rules set and frozen with the ballot (identity-svc takes the
    eligibility part from the published ballot, as voting-svc takes the ballot)."""
    api = f"{gateway}/api/proposals/editions/{edition_id}"
    requests.put(f"{api}/voting-rules", headers=official, timeout=10,
                 json={"rules": rules, "reason": reason}).raise_for_status()
    requests.post(f"{api}/ballot", headers=official, timeout=30, json={"reason": reason}).raise_for_status()
    deadline = time.monotonic() + 60
    while requests.get(f"{gateway}/api/identity/editions/{edition_id}/eligibility", timeout=10).status_code != 200:
        if time.monotonic() > deadline:
            raise SystemExit(f"identity-svc did not take edition {edition_id}'s eligibility rules within 60 s")
        time.sleep(0.5)


def _wait_ballot(gateway: str, edition_id: str) -> dict:
    deadline = time.monotonic() + 60
    while True:
        r = requests.get(f"{gateway}/api/voting/editions/{edition_id}/ballot", timeout=10)
        if r.status_code == 200:
            return r.json()
        if time.monotonic() > deadline:
            raise SystemExit("voting-svc did not receive the demo ballot (is its worker running?)")
        time.sleep(0.5)


def _set_phase(gateway: str, official: dict, edition_id: str, phase: str, reason: str) -> None:
    r = requests.post(f"{gateway}/api/proposals/editions/{edition_id}/phase", headers=official, timeout=10,
                      json={"phase": phase, "reason": reason})
    if r.status_code != 409:  # 409: already in that phase
        r.raise_for_status()


def _imported(env: dict, spec: dict, gateway: str) -> dict:
    showcase = ["--showcase", str(spec["showcase"])] if spec.get("showcase") else []
    subprocess.run([str(stack.VENV_BIN / "proposals-svc"), "import-pabulib", "--name", spec["name"], "--city",
                    spec["city"], "--year", spec["year"], *showcase, *map(str, spec["files"])], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return next(e for e in requests.get(f"{gateway}/api/proposals/editions", timeout=10).json()
                if e["name"] == spec["name"])


def _voting_edition(env: dict, gateway: str, official: dict) -> dict:
    edition = _imported(env, VOTING, gateway)
    rules = requests.get(f"{gateway}/api/proposals/editions/{edition['id']}/voting-rules", timeout=10).json()
    if not rules.get("rules_frozen_at"):
        seed_hash = hashlib.sha256(f"demo-{edition['id']}".encode()).hexdigest()  # a demo: the seed is no secret
        _freeze(gateway, official, edition["id"], {**RULES, "selection": {**RULES["selection"],
                                                                           "draw_seed_sha256": seed_hash}},
                "zasady edycji demonstracyjnej")
        _wait_ballot(gateway, edition["id"])
    _set_phase(gateway, official, edition["id"], "voting", "otwarcie głosowania w edycji demonstracyjnej")
    schedule = requests.get(f"{gateway}/api/proposals/editions/{edition['id']}/schedule", timeout=10).json()
    if not schedule["phases"]:
        # voting ends at 23:59 Warsaw time a week from today, as a city announces it; the results follow
        warsaw = ZoneInfo("Europe/Warsaw")
        ends = datetime.now(warsaw).replace(hour=23, minute=59, second=0, microsecond=0) + timedelta(days=7)
        requests.put(f"{gateway}/api/proposals/editions/{edition['id']}/schedule", headers=official, timeout=10, json={
            "reason": "harmonogram głosowania edycji demonstracyjnej", "phases": [
                {"phase": "voting", "starts_at": (ends - timedelta(days=14)).isoformat(), "ends_at": ends.isoformat()},
                {"phase": "results", "starts_at": (ends + timedelta(minutes=1)).isoformat(),
                 "ends_at": (ends + timedelta(days=30)).isoformat()}]}).raise_for_status()
    return edition


def _finished_edition(env: dict, gateway: str, official: dict, profile: stack.Profile) -> dict:
    """Katowice 2020's city-wide pool, Dąb and Załęże with every real ballot of those two districts' voters
    (their city-wide parts too), cast through nginx with one credential each, then closed and counted."""
    edition = _imported(env, FINISHED, gateway)
    base = f"{gateway}/api/voting/editions/{edition['id']}"
    if requests.get(f"{base}/results", timeout=10).status_code == 200:
        return edition
    rules = {**RULES, "eligibility": {"voting_day": "2020-09-20", "residency": "either"},
             "selection": {**RULES["selection"], "draw_seed_sha256": hashlib.sha256(FINISHED_SEED.encode()).hexdigest()}}
    state = requests.get(f"{gateway}/api/proposals/editions/{edition['id']}/voting-rules", timeout=10).json()
    if not state.get("rules_frozen_at"):
        _freeze(gateway, official, edition["id"], rules, "zasady edycji 2020 (dane demonstracyjne)")
    ballot = _wait_ballot(gateway, edition["id"])
    # a second run re-sends the same ballots with the same idempotency keys: the same receipts, nothing new
    _cast_pabulib_ballots(gateway, profile, edition["id"], ballot, profile.state)
    requests.post(f"{base}/close", headers=official, timeout=10,
                  json={"reason": "koniec głosowania (dane demonstracyjne)"})  # 409 on a second run: closed
    deadline = time.monotonic() + 120
    while True:  # the tally catches up with the vote log within seconds; until then the count answers 409
        r = requests.post(f"{base}/results", headers=official, timeout=120, json={"seed": FINISHED_SEED})
        if r.status_code == 201 or time.monotonic() > deadline:
            r.raise_for_status()
            break
        time.sleep(1)
    _set_phase(gateway, official, edition["id"], "implementation", "ogłoszenie wyników i rozpoczęcie realizacji")
    _implementation_updates(gateway, official, edition["id"])
    return edition


def _cast_pabulib_ballots(gateway: str, profile: stack.Profile, edition_id: str, ballot: dict, workdir: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from voting_svc.counting import pabulib  # the project's own reader of Pabulib files

    areas = {a["name"]: a for a in ballot["areas"]}
    voters: dict[str, dict] = {}
    for path in FINISHED["files"]:
        pb = pabulib.read(path.read_text(encoding="utf-8-sig"))
        district = pb.meta.get("district")
        area = areas[district] if district else next(a for a in ballot["areas"] if a["kind"] == "city")
        ids = {p["external_id"]: p["proposal_id"] for p in area["projects"]}
        for row in pb.votes:
            voter = voters.setdefault(row["voter_id"], {"district": None, "parts": []})
            voter["district"] = district or voter["district"]
            voter["parts"].append({"area_id": area["area_id"], "choices": [
                {"project_id": ids[p], "points": int(n)} for p, n in zip(row["vote"].split(","), row["points"].split(","))]})
    # only the voters of the two districts (the city-wide file has voters of all 22; the others are not here)
    order = sorted(v for v, data in voters.items() if data["district"])
    listing, out = workdir / "demo-districts.txt", workdir / "demo-credentials.txt"
    listing.write_text("\n".join(voters[v]["district"] for v in order) + "\n", encoding="utf-8")
    subprocess.run([str(stack.VENV_BIN / "identity-svc"), "seed-voters", edition_id, str(listing), "--out", str(out)],
                   check=True, env={**os.environ, **stack.service_env(profile)}, stdout=subprocess.DEVNULL)
    credentials = out.read_text().split()
    url = f"{gateway}/api/voting/editions/{edition_id}/votes"
    http = requests.Session()

    def cast(i: int) -> int:
        for _ in range(5):
            r = http.post(url, json={"parts": voters[order[i]]["parts"]}, timeout=30, headers={
                "Authorization": f"Bearer {credentials[i]}", "Idempotency-Key": f"demo-2020-{i:06d}"})
            if r.status_code < 500:
                return r.status_code
            time.sleep(1)
        return r.status_code

    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(cast, range(len(order)), chunksize=32))
    accepted = statuses.count(201) + statuses.count(200)
    print(f"demo: {accepted} of {len(order)} real Katowice 2020 ballots cast through the gateway "
          f"in {time.monotonic() - started:.0f} s")


def _implementation_updates(gateway: str, official: dict, edition_id: str) -> None:
    """The departments' reports on the winners (implementation records open from results.published)."""
    deadline = time.monotonic() + 60
    while not (items := requests.get(f"{gateway}/api/proposals/implementations", timeout=10,
                                     params={"edition_id": edition_id}).json()):
        if time.monotonic() > deadline:
            return
        time.sleep(0.5)
    for i, item in enumerate(items):
        if item["progress"]:
            continue
        for status, progress, note in IMPLEMENTATION_NOTES[: 1 + i % len(IMPLEMENTATION_NOTES)]:
            requests.post(f"{gateway}/api/proposals/implementations/{item['id']}/updates", headers=official,
                          timeout=10, json={"status": status, "progress": progress, "note": note}).raise_for_status()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="dev", choices=sorted(stack.PROFILES))
    args = parser.parse_args()
    profile = stack.PROFILES[args.profile]
    env = {**os.environ, **stack.service_env(profile)}
    for email, password, name, roles in DEMO_ACCOUNTS:
        subprocess.run([str(stack.VENV_BIN / "identity-svc"), "seed-account", "--email", email, "--password",
                        password, "--name", name, "--roles", roles], check=True, env=env)
    gateway = f"http://127.0.0.1:{profile.gateway_port}"
    official = {"Authorization": f"Bearer {token(gateway, *DEMO_ACCOUNTS[0][:2])}"}
    resident = {"Authorization": f"Bearer {token(gateway, *DEMO_ACCOUNTS[1][:2])}"}
    voting = _voting_edition(env, gateway, official)
    print(f"demo edition open for voting: {voting['name']} ({gateway}/edycje/{voting['id']})")
    finished = _finished_edition(env, gateway, official, profile)
    print(f"demo edition with results: {finished['name']} ({gateway}/edycje/{finished['id']}/wyniki)")
    edition = _demo_edition(gateway, official, resident)
    print(f"demo edition open for proposals: {edition['name']} ({gateway}/edycje/{edition['id']})")
    consultation = _demo_consultation(gateway, official)
    print(f"demo consultation: {consultation['subject']} ({gateway}/api/consultation/consultations/{consultation['id']})")
    print("demo accounts: " + ", ".join(f"{e} / {p}" for e, p, _, _ in DEMO_ACCOUNTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
