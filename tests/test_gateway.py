"""The nginx gateway: routing to every service, request ids, security headers, limits, and its own errors
as problem+json. (What floods its limits or stops a service is in test_gateway_limits_and_outages.py, run alone.)"""

from __future__ import annotations

import uuid

import pytest
import requests

import stack
from glos_testing import assert_problem as _assert_problem, wait_until

SERVICES = ("identity", "proposals", "voting", "consultation")


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_is_ready_through_the_gateway(gateway, service):
    r = requests.get(f"{gateway}/api/{service}/ready", timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready"
    # voting-svc's answers do not depend on Redis, so neither does its readiness (voting-svc/README.md)
    expected = {"database": "ok", "kafka": "ok"} if service == "voting" else {"database": "ok", "redis": "ok", "kafka": "ok"}
    assert body["checks"] == expected
    assert body["service"] == f"{service}-svc"


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_publishes_openapi_and_a_docs_page_under_its_public_prefix(gateway, service):
    spec = requests.get(f"{gateway}/api/{service}/openapi.json", timeout=10)
    assert spec.status_code == 200
    assert spec.json()["openapi"].startswith("3.1")
    assert spec.json()["paths"]
    docs = requests.get(f"{gateway}/api/{service}/docs", timeout=10)
    assert docs.status_code == 200
    assert f"/api/{service}/openapi.json" in docs.text  # the docs page points at the prefixed spec


def test_front_page_is_served_in_polish_first(gateway):
    r = requests.get(f"{gateway}/", timeout=5)
    assert r.status_code == 200
    assert '<html lang="pl">' in r.text and "budżet obywatelski" in r.text.lower()


def test_security_headers_and_request_id_on_every_answer(gateway):
    for path in ("/", "/api/proposals/editions", "/no-such-page"):
        r = requests.get(f"{gateway}{path}", timeout=5)
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        assert len(r.headers["X-Request-Id"]) >= 8
        assert "nginx/" not in r.headers.get("Server", "")  # no version disclosed


def test_a_malformed_client_request_id_is_replaced(gateway):
    r = requests.get(f"{gateway}/api/proposals/editions", headers={"X-Request-Id": "bad id\"<script>"}, timeout=5)
    assert r.headers["X-Request-Id"] != "bad id\"<script>"
    assert r.headers["X-Request-Id"].isalnum()


def test_unknown_api_path_is_a_problem_404(gateway):
    _assert_problem(requests.get(f"{gateway}/api/nie/ma/takiej/strony", timeout=5), 404)
    _assert_problem(requests.get(f"{gateway}/api/proposals/nie-ma-takiej", timeout=5), 404)


def test_unknown_page_of_the_site_is_a_page_a_person_reads(gateway):
    r = requests.get(f"{gateway}/nie/ma/takiej/strony", timeout=5)
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/html")
    assert '<html lang="pl">' in r.text and "Nie znaleziono" in r.text


def test_metrics_are_not_public(gateway):
    _assert_problem(requests.get(f"{gateway}/api/voting/metrics", timeout=5), 404)


def test_oversize_body_is_refused_by_the_gateway_with_a_problem_413(gateway, official_headers):
    body = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    r = requests.post(f"{gateway}/api/proposals/editions", data=body, timeout=10,
                      headers={**official_headers, "Content-Type": "application/json"})
    assert "1 MB" not in _assert_problem(r, 413)["detail"]  # the text holds for locations with other limits too


def test_personal_answers_and_tokens_are_never_stored_by_a_cache(gateway, accounts, resident_headers):
    """Issue 14 (11): Cache-Control: no-store on /me/…, credentials and tokens; public documents stay cacheable."""
    def log_in() -> requests.Response | None:  # under the login limit the whole suite shares: come back later
        answer = requests.post(f"{gateway}/api/identity/token", timeout=10,
                               json={"email": accounts["resident"][0], "password": accounts["resident"][1]})
        return None if answer.status_code == 429 else answer

    token = wait_until(log_in, timeout=30, interval=1, message="a login through the gateway's limit")
    assert token.status_code == 200 and token.headers["Cache-Control"] == "no-store"
    refreshed = requests.post(f"{gateway}/api/identity/token/refresh", timeout=10,
                              json={"refresh_token": token.json()["refresh_token"]})
    assert refreshed.headers["Cache-Control"] == "no-store"
    for path in ("/api/identity/me/account", "/api/identity/me/data", "/api/proposals/editions"):
        r = requests.get(f"{gateway}{path}", headers=resident_headers, timeout=10)
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store", path
    public = requests.get(f"{gateway}/api/identity/.well-known/jwks.json", timeout=10)
    assert public.headers["Cache-Control"].startswith("public")


def test_nginx_s_own_refusals_are_problem_json_too(gateway):
    """Issue 14 (8): TRACE, a too long address, too large headers — each a problem+json from nginx itself."""
    import socket
    from urllib.parse import urlsplit

    assert _assert_problem(requests.request("TRACE", f"{gateway}/api/proposals/editions", timeout=5), 405)
    assert "8 KB" in _assert_problem(requests.get(f"{gateway}/api/proposals/editions?q={'x' * 9000}", timeout=5),
                                     414)["detail"]
    _assert_problem(requests.get(f"{gateway}/api/proposals/editions", headers={"X-Big": "y" * 9000}, timeout=5), 431)
    host, port = urlsplit(gateway).hostname, urlsplit(gateway).port
    with socket.create_connection((host, port), timeout=5) as raw:  # not HTTP at all
        raw.sendall(b"NOT-HTTP \x01\x02\r\n\r\n")
        answer = raw.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 400") and "application/problem+json" in answer


def test_a_long_polish_text_in_a_query_string_reaches_the_service(gateway):
    """1,000 Polish characters percent-encoded in the query (~6 KB): the service answers, not gunicorn's 414."""
    reason = ("żółć gęśląźń, ŻÓŁĆ " * 60)[:1000]  # mostly Polish letters: 6 bytes each, percent-encoded
    r = requests.get(f"{gateway}/api/proposals/editions", params={"uzasadnienie": reason}, timeout=10)
    assert len(r.request.url) > 4094 and r.status_code == 200, r.text[:300]  # past gunicorn's default line limit


def test_a_body_refused_before_it_is_read_is_the_service_s_4xx_never_a_502(gateway, resident_headers):
    """Issue 14 (3): bodies the service refuses unread (no token; a wrong type) reach the client as the
    service's own 4xx — gunicorn reads the rest before answering, so nginx never sees a reset."""
    from concurrent.futures import ThreadPoolExecutor

    body = b"x" * (900 * 1024)

    def refused(i: int) -> int:
        if i % 2:
            return requests.post(f"{gateway}/api/proposals/editions", data=body, timeout=30,
                                 headers={"Content-Type": "application/json"}).status_code  # no token
        return requests.post(f"{gateway}/api/proposals/proposals/{uuid.uuid4()}/attachments", data=body, timeout=30,
                             params={"filename": "a.exe"},
                             headers={**resident_headers, "Content-Type": "application/x-msdownload"}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(refused, range(120)))
    assert 502 not in statuses and set(statuses) <= {401, 404, 415}, {s: statuses.count(s) for s in set(statuses)}


def test_an_https_entry_sends_hsts_on_every_answer_and_the_plain_http_one_none(gateway, platform):
    """Issue 24 (6): no HSTS anywhere. The gateway as the production entry renders it (HSTS set, as k8s/ sets
    it), started beside the test stack's: every answer carries it — a page, an API answer, a static file, nginx's
    own problem+json; the local plain-HTTP gateway sends none (a browser ignores it over HTTP anyway)."""
    import shutil
    import socket
    import subprocess
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    hsts = "max-age=63072000; includeSubDomains"
    ndir = platform.state / "nginx-hsts"
    cfg = stack.render_gateway_config(platform, name="nginx-hsts", LISTEN=f"127.0.0.1:{port}", HSTS=hsts,
                                      ERROR_LOG=str(ndir / "error.log"), ACCESS_LOG=str(ndir / "access.log"))
    nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(cfg), "-e",
                              str(ndir / "error.log"), "-g", "daemon off;"])
    try:
        entry = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                requests.get(f"{entry}/gateway/alive", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, (ndir / "error.log").read_text()
                time.sleep(0.1)
        answers = {"page": requests.get(f"{entry}/", timeout=10),
                   "api": requests.get(f"{entry}/api/proposals/editions", timeout=10),
                   "static": requests.get(f"{entry}/static/css/glos.css", timeout=10),
                   "nginx's own 404": requests.get(f"{entry}/api/nie-ma-takiej-uslugi", timeout=10),
                   "a report's 404": requests.get(f"{entry}/api/consultation/consultations/{uuid.uuid4()}/report.pdf",
                                                  timeout=10)}
        for what, answer in answers.items():
            assert answer.headers.get("Strict-Transport-Security") == hsts, (what, answer.status_code, answer.headers)
        assert answers["page"].status_code == 200 and answers["static"].status_code == 200
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
    local = requests.get(f"{gateway}/", timeout=10)
    assert local.status_code == 200 and "Strict-Transport-Security" not in local.headers
