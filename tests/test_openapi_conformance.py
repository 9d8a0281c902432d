"""The four OpenAPI documents say what the services really answer: schemathesis against each through the gateway.

Every operation of a service gets generated requests, valid ones and near misses (the examples, coverage and
fuzzing phases), and every answer is checked: no 5xx, a documented status, the documented content type (errors
are problem+json) and a body that matches the documented schema. Each service is run as a signed-in resident, as
staff (PB official, reviewer, moderator, coordinator, admin) against an edition and a consultation of the run's
own, so the staff operations are reached rather than refused, and voting-svc also as a voter holding a credential,
so generated ballots go down the vote path. Bounded: a few examples per operation, no stateful phase, a fixed seed
so a failure repeats with the printed `st replay` line.
"""

from __future__ import annotations

import subprocess
import uuid

import pytest
import requests

import stack
from glos_testing import login, new_resident, seed_account, wait_until

pytestmark = pytest.mark.platform

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
EXAMPLES_PER_OPERATION = 5
SEED = 20261202

# Operations left out of a run, each for a reason outside the document's truth:
LEFT_OUT = {
    # replaces the city's whole street register, which other tests' residents are resolved through; and the
    # city's list of districts, which every residency declaration of the other tests is checked against
    ("identity", "staff"): ["PUT /streets", "POST /districts", "DELETE /districts/{name}"],
    # the run's own login would end, and the rest of the run would see nothing but 401s
    ("identity", "resident"): ["POST /logout"],
}
LEFT_OUT[("identity", "staff")] += LEFT_OUT[("identity", "resident")]

RUNS = [("identity", "resident"), ("identity", "staff"), ("proposals", "resident"), ("proposals", "staff"),
        ("voting", "resident"), ("voting", "staff"), ("voting", "voter"), ("consultation", "resident"),
        ("consultation", "staff")]


@pytest.fixture(scope="module")
def staff_headers(gateway) -> dict:
    email = f"fuzz-staff-{uuid.uuid4().hex[:10]}@glos.local"
    seed_account(email, "haslo-fuzz-staff-123456",
                 "resident,pb_official,department_reviewer,moderator,coordinator,admin")
    return {"Authorization": f"Bearer {login(gateway, email, 'haslo-fuzz-staff-123456')}"}


@pytest.fixture(scope="module")
def run_objects(gateway, staff_headers) -> dict:
    """What staff operations act on, all the run's own so whatever generated requests do to them touches no
    other test: an edition frozen for voting (known to all three PB services) with one of its projects, and an
    open consultation with a document, a comment on it and a meeting."""
    import sys
    sys.path.insert(0, str(stack.REPO / "voting-svc" / "tests"))
    from voting_kit import DATA, RULES, frozen_edition

    def created(r: requests.Response) -> dict:
        assert r.status_code == 201, r.text
        return r.json()

    edition, _ = frozen_edition(gateway, staff_headers, [DATA / "Poland_Katowice_2020_Dab.pb"], RULES,
                                name=f"BO fuzz {uuid.uuid4().hex[:6]}", year=2027)
    proposals = requests.get(f"{gateway}/api/proposals/editions/{edition}/proposals", timeout=10).json()
    api = f"{gateway}/api/consultation"
    consultation = created(requests.post(f"{api}/consultations", headers=staff_headers, timeout=10, json={
        "subject": f"Konsultacje fuzz {uuid.uuid4().hex[:6]}", "description": "Sprawdzenie dokumentu API.",
        "department": "Wydział fuzz", "forms": ["survey", "comments", "meetings"],
        "closes_at": "2030-02-01T08:00:00+00:00"}))["id"]
    document = created(requests.post(f"{api}/consultations/{consultation}/documents", headers=staff_headers,
                                     timeout=10, json={"title": "Projekt uchwały", "sections": [
                                         {"anchor": "par-1", "heading": "§ 1", "body": "Treść paragrafu."}]}))["id"]
    meeting = created(requests.post(f"{api}/consultations/{consultation}/meetings", headers=staff_headers,
                                    timeout=10, json={"title": "Spotkanie", "place": "Urząd Miasta",
                                                      "starts_at": "2029-05-01T16:00:00+00:00",
                                                      "registration_closes_at": "2029-04-30T16:00:00+00:00",
                                                      "capacity": 20}))["id"]
    r = requests.post(f"{api}/consultations/{consultation}/status", headers=staff_headers, timeout=10,
                      json={"status": "open", "reason": "otwarcie do testu"})
    assert r.status_code == 200, r.text
    commenter = new_resident(gateway)

    def comment_posted():  # consultation-svc learns of the new resident from identity's event
        r = requests.post(f"{api}/consultations/{consultation}/documents/{document}/comments",
                          headers=commenter.headers, timeout=10, json={"body": "Uwaga do paragrafu.", "section": "par-1"})
        return r.json()["id"] if r.status_code == 201 else None

    comment = wait_until(comment_posted, timeout=30, message="the resident known to consultation-svc")
    return {"edition_id": edition, "proposal_id": proposals[0]["id"], "consultation_id": consultation,
            "document_id": document, "meeting_id": meeting, "comment_id": comment}


@pytest.fixture
def banned_words_restored(gateway, staff_headers):
    """The city-wide banned-word list is as it was after a run: schemathesis reuses the stems it reads from
    answers, so a staff run deletes real ones (other tests' comments would no longer be held) and adds its own
    (they would hold comments that should pass)."""
    url = f"{gateway}/api/consultation/banned-words"

    def stems() -> set[str]:
        r = requests.get(url, headers=staff_headers, timeout=10)
        assert r.status_code == 200, r.text
        return {w["stem"] for w in r.json()}

    before = stems()
    yield
    after = stems()
    for stem in after - before:
        r = requests.delete(f"{url}/{requests.utils.quote(stem, safe='')}", headers=staff_headers, timeout=10)
        assert r.status_code == 204, r.text
    for stem in before - after:
        r = requests.post(url, headers=staff_headers, timeout=10, json={"stem": stem})
        assert r.status_code == 201, r.text
    assert stems() == before


@pytest.fixture(scope="module")
def callers(gateway, staff_headers, run_objects) -> dict:
    resident = new_resident(gateway)
    voter = new_resident(gateway)
    credential = requests.post(f"{gateway}/api/identity/editions/{run_objects['edition_id']}/credential",
                               headers=voter.headers, json={}, timeout=10)
    assert credential.status_code == 201, credential.text
    return {"resident": resident.headers, "staff": staff_headers,
            "voter": {"Authorization": f"Bearer {credential.json()['credential']}"}}


@pytest.mark.parametrize(("service", "caller"), RUNS, ids=[f"{s}-{c}" for s, c in RUNS])
def test_documents_match_the_api(service, caller, gateway, callers, run_objects, banned_words_restored,
                                 tmp_path):
    config = tmp_path / "schemathesis.toml"
    lines = ["[parameters]"]
    if caller != "resident":  # the resident's run keeps generated ids: it probes what a stranger reaches
        lines += [f'"path.{name}" = "{value}"' for name, value in run_objects.items()]
    config.write_text("\n".join(lines) + "\n")
    command = [str(stack.VENV_BIN / "schemathesis"), "--config-file", str(config), "run",
               f"{gateway}/api/{service}/openapi.json", "--url", f"{gateway}/api/{service}",
               "--header", f"Authorization: {callers[caller]['Authorization']}",
               "--checks", CHECKS, "--phases", "examples,coverage,fuzzing", "--max-examples",
               str(EXAMPLES_PER_OPERATION), "--seed", str(SEED), "--generation-database", "none",
               "--request-timeout", "15", "--no-color", "--workers", "1"]
    for operation in LEFT_OUT.get((service, caller), []):
        command += ["--exclude-name", operation]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    summary = result.stdout[result.stdout.rfind("SUMMARY"):]
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-2000:]
    assert " passed" in summary and "generated" in summary, summary


def _schemas_of(node, components: dict, seen: set) -> list[dict]:
    """Every schema object reachable from `node`, following $refs into components once each."""
    found = []
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref and ref.startswith("#/components/schemas/") and ref not in seen:
            seen.add(ref)
            found += _schemas_of(components[ref.rsplit("/", 1)[1]], components, seen)
        # a schema's "properties" maps names to schemas; a map that merely has a field called "properties" (a
        # GeoJSON feature's) is not itself a schema
        if isinstance(node.get("properties"), dict) and all(isinstance(v, dict) for v in node["properties"].values()):
            found.append(node)
        for value in node.values():
            found += _schemas_of(value, components, seen)
    elif isinstance(node, list):
        for value in node:
            found += _schemas_of(value, components, seen)
    return found


@pytest.mark.parametrize("service", ["identity", "proposals", "voting", "consultation"])
def test_documents_declare_errors_security_and_answers(service, gateway):
    """What schemathesis does not check: no answer carries a write-only field (a client would wait for it
    forever), every operation's errors are problem+json, and one that takes a token says so."""
    document = requests.get(f"{gateway}/api/{service}/openapi.json", timeout=10).json()
    components = document["components"]
    bearer = components["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"], bearer["bearerFormat"]) == ("http", "bearer", "JWT")
    for name, response in components["responses"].items():
        if "content" in response:
            assert list(response["content"]) == ["application/problem+json"], name
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            answers = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
            assert answers, f"{where}: no success answer documented"
            for code, answer in answers.items():
                if code != "204":
                    assert answer.get("content"), f"{where} {code}: no content documented"
                for schema in _schemas_of(answer, components["schemas"], set()):
                    write_only = [p for p, s in schema["properties"].items() if s.get("writeOnly")]
                    assert not write_only, f"{where} {code} answers with write-only {write_only}"
            assert operation["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}, where
            if "security" in operation:
                assert operation["responses"]["401"] == {"$ref": "#/components/responses/UNAUTHORIZED"}, where

