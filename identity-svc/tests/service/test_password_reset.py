"""Password reset against identity-svc's own app: a limit per client address, and bad links counted by the login
throttle (the mail round trip is the platform layer's walk)."""

from __future__ import annotations

import uuid

from identity_service_kit import api

NEW = "Nowe-haslo-po-zmianie-2"


def ask(svc, email: str, address: str):
    return api(svc, "POST", "/password-reset", {"X-Forwarded-For": address}, json={"email": email})


def confirm(svc, token: str, password: str, address: str):
    return api(svc, "POST", "/password-reset/confirm", {"X-Forwarded-For": address},
               json={"token": token, "password": password})


def test_a_client_asking_too_often_is_refused_whichever_address_it_names(svc):
    answers = [ask(svc, f"ktos-{i}-{uuid.uuid4().hex[:6]}@glos.local", "10.2.7.7").status_code for i in range(21)]
    assert answers[:20] == [202] * 20 and answers[20] == 429
    assert ask(svc, "inny@glos.local", "10.3.8.1").status_code == 202  # another client is not


def test_bad_links_count_towards_the_clients_lockout(svc):
    statuses = [confirm(svc, f"nieprawidlowy-token-{i:03d}", NEW, "10.4.9.9").status_code for i in range(60)]
    assert statuses[0] == 400 and statuses[-1] == 429  # locked after the address threshold
    assert 400 in statuses and statuses.index(429) >= 40
