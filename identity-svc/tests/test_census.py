"""Census (register) import: through the gateway and the CLI; rejected rows reported by number and reason;
a re-import replaces the list atomically and residents' verification follows it."""

from __future__ import annotations

import json
import os
import subprocess
import uuid

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import stack
from glos_testing import login, make_pesel, seed_account, wait_until


def csv_of(rows: list[tuple[str, str, str, str]]) -> str:
    return "pesel;first_name;last_name;district\n" + "".join(";".join(r) + "\n" for r in rows)


def upload(gateway, headers, body: str, reason="rejestr mieszkańców na 2027"):
    return requests.post(f"{gateway}/api/identity/census", params={"reason": reason}, data=body.encode(),
                         headers={**headers, "Content-Type": "text/csv"}, timeout=60)


def level_of(email: str) -> str:
    engine = create_engine(os.environ["IDENTITY_DATABASE_URL"])
    with engine.connect() as conn:
        level = conn.execute(text("SELECT r.verification_level FROM residents r JOIN accounts a ON a.id = r.account_id "
                                  "WHERE a.email = :e"), {"e": email}).scalar()
    engine.dispose()
    return level


def test_import_report_rematch_and_atomic_replace(gateway, official_headers, resident_headers):
    # a resident who declared before the register arrived
    email = f"spis-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email, "haslo-spisowe-12345")
    headers = {"Authorization": f"Bearer {login(gateway, email, 'haslo-spisowe-12345')}"}
    listed = make_pesel(1979, 4, 1, 3011)
    r = requests.post(f"{gateway}/api/identity/me/resident", headers=headers, timeout=10, json={
        "pesel": listed, "first_name": "Jan", "last_name": "Spisowy", "address": "ul. Długa 1", "district": "Zawodzie"})
    assert r.status_code == 201 and r.json()["verification_level"] == "declared"

    rows = [(listed, "Jan", "Spisowy", "Zawodzie"),
            (make_pesel(1990, 1, 1, 1111), "Ewa", "Nowak", "Dąb"),
            ("44051401358", "Zła", "Suma", "Dąb"),                 # row 4: bad check digit
            (make_pesel(1991, 2, 2, 2222), "", "Bezimienny", "Dąb"),  # row 5: no first name
            (make_pesel(1990, 1, 1, 1111), "Ewa", "Nowak", "Dąb"),  # row 6: duplicate
            (make_pesel(1992, 3, 3, 3333), "Adam", "Gdzie", "")]    # row 7: no district
    report = upload(gateway, official_headers, csv_of(rows))
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["accepted_rows"] == 2 and body["rejected_rows"] == 4
    assert body["rejected"] == [{"row": 4, "reason": "invalid_pesel"}, {"row": 5, "reason": "missing_name"},
                                {"row": 6, "reason": "duplicate_pesel"}, {"row": 7, "reason": "unknown_district"}]
    assert listed not in report.text
    assert body["residents_matched"] >= 1
    assert level_of(email) == "census"

    # a broken file changes nothing: the list stays, and so does the match
    broken = upload(gateway, official_headers, "pesel;surname\n1;2\n")
    assert broken.status_code == 422
    assert {e["field"] for e in broken.json()["errors"]} >= {"first_name", "district"}
    assert level_of(email) == "census"

    # a new list without the person replaces the old one and the match with it
    assert upload(gateway, official_headers, csv_of([(make_pesel(1988, 8, 8, 8881), "Ola", "Inna", "Dąb")])).json()[
        "accepted_rows"] == 1
    assert level_of(email) == "declared"

    # only officials import
    assert upload(gateway, resident_headers, csv_of(rows)).status_code == 403
    wrong_type = requests.post(f"{gateway}/api/identity/census", params={"reason": "x" * 5}, data=b"{}",
                               headers={**official_headers, "Content-Type": "application/json"}, timeout=10)
    assert wrong_type.status_code == 415


def test_cli_import_with_a_report_file(tmp_path, platform):
    source = tmp_path / "spis.csv"
    source.write_text(csv_of([(make_pesel(1970 + i % 30, 1 + i % 12, 1 + i % 28, 1000 + i), "A", "B", "Dąb")
                              for i in range(3000)] + [("123", "A", "B", "Dąb")]))
    report_path = tmp_path / "report.json"
    run = subprocess.run([str(stack.VENV_BIN / "identity-svc"), "census-import", str(source), "--reason",
                          "import z CLI", "--report", str(report_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "accepted" in run.stdout
    report = json.loads(report_path.read_text())
    assert report["rejected"] == [{"row": 3002, "reason": "invalid_pesel"}]
    assert report["accepted_rows"] + report["rejected_rows"] == 3001


def test_the_street_register_maps_addresses_to_districts(gateway, official_headers):
    streets = "street;district\nul. Adama Mickiewicza;Śródmieście\nos. Tysiąclecia;Osiedle Tysiąclecia\n"
    r = requests.put(f"{gateway}/api/identity/streets", params={"reason": "rejestr ulic 2027"},
                     data=streets.encode(), headers={**official_headers, "Content-Type": "text/csv"}, timeout=10)
    assert r.status_code == 200 and r.json() == {"streets": 2}

    email = f"ulica-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email, "haslo-ulicy-123456")
    headers = {"Authorization": f"Bearer {login(gateway, email, 'haslo-ulicy-123456')}"}
    declared = requests.post(f"{gateway}/api/identity/me/resident", headers=headers, timeout=10, json={
        "pesel": make_pesel(1966, 6, 16, 6161), "first_name": "Jerzy", "last_name": "Ulicki",
        "address": "ul. Adama Mickiewicza 12/3, 40-092 Katowice", "district": "Dąb"})
    assert declared.status_code == 201
    assert declared.json()["district"] == "Śródmieście"  # the register decides, not the form

    email2 = f"ulica-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email2, "haslo-ulicy-123456")
    headers2 = {"Authorization": f"Bearer {login(gateway, email2, 'haslo-ulicy-123456')}"}
    unknown = requests.post(f"{gateway}/api/identity/me/resident", headers=headers2, timeout=10, json={
        "pesel": make_pesel(1967, 7, 17, 7171), "first_name": "Ewa", "last_name": "Nieznana",
        "address": "ul. Nieistniejąca 1"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "district"

    census = "pesel;first_name;last_name;address\n" + f"{make_pesel(1950, 5, 5, 5051)};A;B;os. Tysiąclecia 3\n"
    report = upload(gateway, official_headers, census)
    assert report.status_code == 200 and report.json()["accepted_rows"] == 1


def test_a_background_import_reports_its_progress_and_runs_one_at_a_time(gateway, official_headers, resident_headers):
    """POST /census/imports answers 202 at once; the progress and then the report are read from
    /census/imports/{id}. While the census lock is held (here by the test, as by a CLI import) the import waits
    queued and a second upload is refused with 409; a file with the wrong columns is refused before queueing."""
    imports = f"{gateway}/api/identity/census/imports"
    rows = [(make_pesel(1940 + i % 50, 1 + i % 12, 1 + i % 28, 4000 + i), "Anna", "Tłowa", "Dąb") for i in range(3000)]
    body = csv_of(rows + [("123", "Zły", "Numer", "Dąb")]).encode()
    # no pool: a connection closed is closed, and the session lock the test holds goes with it even on failure
    engine = create_engine(os.environ["IDENTITY_DATABASE_URL"], poolclass=NullPool)
    with engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": 0x63656E73})  # census.IMPORT_LOCK_ID
        started = requests.post(imports, params={"reason": "rejestr w tle"}, data=body, timeout=30,
                                headers={**official_headers, "Content-Type": "text/csv"})
        assert started.status_code == 202, started.text
        job = started.json()
        assert (job["status"], job["total_rows"], job["processed_rows"]) == ("queued", 3001, 0)
        assert started.headers["Location"] == f"/api/identity/census/imports/{job['id']}"  # relative, RFC 9110
        status_url = gateway + started.headers["Location"]
        second = requests.post(imports, params={"reason": "drugi raz"}, data=body, timeout=30,
                               headers={**official_headers, "Content-Type": "text/csv"})
        assert second.status_code == 409 and second.headers["Content-Type"].startswith("application/problem+json")
        assert job["id"] in second.json()["errors"][0]["message"]
        wrong = requests.post(imports, params={"reason": "zły plik"}, data=b"pesel;surname\n1;2\n", timeout=10,
                              headers={**official_headers, "Content-Type": "text/csv"})
        assert wrong.status_code == 422 and {e["field"] for e in wrong.json()["errors"]} >= {"first_name"}
        # the import's thread is blocked on the census lock (PostgreSQL shows its request not granted) ...
        wait_until(lambda: holder.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k AND NOT granted"),
            {"k": 0x63656E73}).scalar(), timeout=30, message="the import waiting for the census lock")
        # ... and is shown queued, nothing read yet
        waiting = requests.get(status_url, headers=official_headers, timeout=10).json()
        assert (waiting["status"], waiting["processed_rows"], waiting["report"]) == ("queued", 0, None)
        holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": 0x63656E73})
        holder.commit()

    seen = []

    def finished():
        state = requests.get(status_url, headers=official_headers, timeout=10).json()
        seen.append(state["processed_rows"])
        return state["status"] in ("done", "failed") and state

    state = wait_until(finished, timeout=60, interval=0.05, message="the import to finish")
    assert state["status"] == "done", state
    assert seen == sorted(seen) and state["processed_rows"] == 3001
    assert state["report"]["accepted_rows"] == 3000
    assert state["report"]["rejected"] == [{"row": 3002, "reason": "invalid_pesel"}]
    listed = requests.get(imports, headers=official_headers, timeout=10).json()
    assert job["id"] in [j["id"] for j in listed]
    assert not {"drugi raz", "zły plik"} & {j["reason"] for j in listed}  # the refused uploads left nothing queued
    with engine.connect() as conn:  # the new list is the one active register, and only one list is active
        active = conn.execute(text("SELECT id::text, accepted_rows FROM census_lists WHERE active")).all()
    assert [tuple(a) for a in active] == [(state["report"]["list_id"], 3000)]

    # only officials; an unknown import is a 404
    assert requests.get(status_url, headers=resident_headers, timeout=10).status_code == 403
    assert requests.get(f"{imports}/{uuid.uuid4()}", headers=official_headers, timeout=10).status_code == 404

    # an import whose process died (no heartbeat for minutes) is reported interrupted, and no longer blocks
    with engine.begin() as conn:
        dead = conn.execute(text(
            "INSERT INTO census_imports (id, status, requested_by, reason, total_rows, processed_rows, heartbeat_at) "
            "VALUES (gen_random_uuid(), 'running', 'test', 'przerwany', 10, 5, now() - interval '3 minutes') "
            "RETURNING id::text")).scalar()
    engine.dispose()
    gone = requests.get(f"{imports}/{dead}", headers=official_headers, timeout=10).json()
    assert (gone["status"], gone["error"]) == ("failed", "interrupted")
