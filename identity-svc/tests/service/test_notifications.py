"""Mail about what became of what a person did (issue 23 point 8, issue 27 point 3): identity-svc, which alone
holds the addresses, turns proposals-svc's events and consultation-svc's `notification.requested` into mail —
Polish then English, dates in Warsaw time, a one-click unsubscribe link (RFC 8058) — written in the handler's
transaction, so a redelivered event mails no one twice; after unsubscribing no more arrive."""

from __future__ import annotations

import uuid

from glos_chassis.db import session_scope
from glos_chassis.testing import deliver, envelope
from identity_service_kit import api, login, seed_account
from identity_svc.models import Account, processed_events
from identity_svc.notifications import GROUP_ID, Notifier

EMAIL, PASSWORD = "wnioskodawczyni@glos.local", "haslo-wnioskodawczyni-123"


def _person(svc):
    seed_account(svc, EMAIL, PASSWORD)
    headers = {"Authorization": f"Bearer {login(svc, EMAIL, PASSWORD)}"}
    (account_id,) = svc.database.rows("SELECT id FROM accounts WHERE email = :e", e=EMAIL)[0]
    return str(account_id), headers


def _deliver(svc, event):
    handlers = Notifier(svc.app.extensions["glos.settings"]).handlers
    deliver(svc.sessions, processed_events, GROUP_ID, handlers, event)


def _mail(svc):
    return svc.database.rows("SELECT to_address, subject, body, list_unsubscribe FROM outgoing_mail ORDER BY id")


def _proposal_event(event_type, applicant, **data):
    edition, proposal = str(uuid.uuid4()), str(uuid.uuid4())
    return envelope(event_type, edition, {"proposal_id": proposal, "edition_id": edition, "applicant": applicant,
                                          "title": "Zielony skwer przy szkole", **data}, source="proposals-svc")


def test_each_step_of_a_proposal_is_mailed_once_in_polish_then_english(svc):
    account_id, _ = _person(svc)
    submitted = _proposal_event("proposal.submitted", account_id, status="submitted")
    _deliver(svc, submitted)
    _deliver(svc, submitted)  # redelivered: nobody is mailed twice
    (mail,) = _mail(svc)
    to, subject, body, one_click = mail
    assert to == EMAIL
    assert subject == "Głos: wniosek „Zielony skwer przy szkole” złożony / proposal “Zielony skwer przy szkole” submitted"
    assert body.index("Twój wniosek") < body.index("— English —") < body.index("Your proposal")
    assert f"/edycje/{submitted.data['edition_id']}/projekty/{submitted.data['proposal_id']}" in body
    assert "/konto/powiadomienia/wypisz/" in body and one_click.startswith("http")
    assert "/api/identity/notifications/unsubscribe/" in one_click

    _deliver(svc, _proposal_event("proposal.verified", account_id, stage="formal", outcome="negative",
                                  failed_items={"support": "Lista poparcia: 1 z wymaganych 2 podpisów."},
                                  reasons=["Lista poparcia: 1 z wymaganych 2 podpisów."],
                                  appeal_by="2026-12-19T10:30:00+00:00"))
    _deliver(svc, _proposal_event("proposal.change_requested", account_id, fields=["cost", "description"],
                                  respond_by="2026-12-12T18:00:00+00:00"))
    _deliver(svc, _proposal_event("proposal.appeal_decided", account_id, upheld=False,
                                  justification="Lista poparcia była niepełna w terminie."))
    verified, change, appeal = _mail(svc)[1:]
    assert verified[1].startswith("Głos: wniosek „Zielony skwer przy szkole” — ocena formalna negatywna / ")
    assert "nie przeszedł oceny formalnej" in verified[2]
    assert "- Lista poparcia: 1 z wymaganych 2 podpisów." in verified[2]
    assert "Możesz się odwołać do 19 grudnia 2026, godz. 11:30 na stronie wniosku." in verified[2]
    assert "12 grudnia 2026, godz. 19:00" in change[2]  # 18:00 UTC is 19:00 in Warsaw in December
    assert "12 December 2026, 19:00 (Warsaw time)" in change[2] and "pola: cost, description" in change[2]
    assert "oddalone" in appeal[1] and "Uzasadnienie: Lista poparcia była niepełna w terminie." in appeal[2]


def test_a_consultation_report_tells_each_participant_the_answer_to_their_remark(svc):
    account_id, _ = _person(svc)
    consultation = str(uuid.uuid4())
    _deliver(svc, envelope("notification.requested", consultation, {
        "consultation_id": consultation, "account_id": account_id, "what": "report.outcome", "version": 1,
        "subject": "Park przy Rawie", "remarks": [
            {"remark_id": str(uuid.uuid4()), "number": 2, "kind": "comment", "status": "partly_accepted",
             "reply": "Ustawimy ławki z oparciami."}]}, source="consultation-svc"))
    _deliver(svc, envelope("notification.requested", consultation, {
        "consultation_id": consultation, "account_id": account_id, "what": "meeting.confirmed", "title": "Spacer",
        "starts_at": "2026-06-01T16:00:00+00:00", "place": "Plac przed szkołą"}, source="consultation-svc"))
    report, meeting = _mail(svc)
    assert report[1].startswith("Głos: raport z konsultacji „Park przy Rawie”")
    assert "- Uwaga nr 2: uwzględniona częściowo. Odpowiedź: Ustawimy ławki z oparciami." in report[2]
    assert "- Remark no. 2: partly accepted. Reply: Ustawimy ławki z oparciami." in report[2]
    assert f"/konsultacje/{consultation}/raport" in report[2]
    assert "1 czerwca 2026, godz. 18:00, Plac przed szkołą" in meeting[2]  # summer time: UTC+2


def test_one_click_unsubscribes_and_the_account_page_turns_it_back_on(svc):
    account_id, headers = _person(svc)
    _deliver(svc, _proposal_event("proposal.submitted", account_id))
    one_click = _mail(svc)[0][3]
    token_path = one_click[one_click.index("/notifications/"):]
    assert api(svc, "POST", token_path[:-3] + "xyz").status_code == 404  # a tampered link
    # what a mail client sends (RFC 8058), without a login
    r = api(svc, "POST", token_path, data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded")
    assert r.status_code == 204
    assert api(svc, "POST", token_path).status_code == 204  # a second click changes nothing
    assert api(svc, "GET", "/me/notifications", headers).json == {"subscribed": False}
    _deliver(svc, _proposal_event("proposal.verified", account_id, stage="formal", outcome="positive"))
    assert len(_mail(svc)) == 1  # no more
    (audit,) = svc.database.rows("SELECT actor FROM audit_log WHERE action = 'notifications.unsubscribed'")
    assert audit[0] == account_id

    assert api(svc, "PUT", "/me/notifications", headers, json={"subscribed": True}).json == {"subscribed": True}
    _deliver(svc, _proposal_event("proposal.verified", account_id, stage="formal", outcome="positive"))
    assert len(_mail(svc)) == 2
    assert api(svc, "PUT", "/me/notifications", headers, json={"subscribed": "może"}).status_code == 422


def test_no_mail_for_an_import_an_unknown_account_or_an_unconfirmed_address(svc):
    _deliver(svc, _proposal_event("proposal.submitted", "import:pabulib", status="qualified"))
    _deliver(svc, _proposal_event("proposal.submitted", str(uuid.uuid4())))
    with session_scope(svc.sessions) as session:  # registered, the confirmation link never clicked
        unconfirmed = Account(email="nowy@glos.local", password_hash="x", display_name="Nowy", roles=["resident"])
        session.add(unconfirmed)
        session.flush()
        unconfirmed_id = str(unconfirmed.id)
    _deliver(svc, _proposal_event("proposal.submitted", unconfirmed_id))
    assert _mail(svc) == []


def test_voting_extended_is_mailed_to_everyone_who_started_voting_online_in_the_edition(svc, official_headers):
    """Issue 26 (4): a voting extended after an outage is told to the residents who took a voting credential in
    that edition — found by recomputing voter keys inside identity-svc — and to no one else."""
    from datetime import UTC, datetime, timedelta

    from glos_testing import make_pesel

    edition, other_edition = uuid.uuid4(), uuid.uuid4()
    for e in (edition, other_edition):
        assert api(svc, "PUT", f"/editions/{e}/eligibility", headers=official_headers, json={
            "voting_day": (datetime.now(UTC) + timedelta(days=1)).date().isoformat(), "residency": "either",
            "reason": "zasady z uchwały Rady Miasta"}).status_code == 200

    def resident(email: str, serial: int, votes_in) -> None:
        seed_account(svc, email, PASSWORD)
        headers = {"Authorization": f"Bearer {login(svc, email, PASSWORD)}"}
        assert api(svc, "POST", "/me/resident", headers=headers, json={
            "pesel": make_pesel(1980, 3, 14, serial), "first_name": "Jan", "last_name": "Testowy",
            "address": "ul. Testowa 1", "district": "Dąb"}).status_code == 201
        if votes_in:
            assert api(svc, "POST", f"/editions/{votes_in}/credential", headers=headers, json={}).status_code == 201

    resident("glosujaca@glos.local", 1111, edition)
    resident("gdzie-indziej@glos.local", 2222, other_edition)
    resident("nie-glosuje@glos.local", 3333, None)
    extended = envelope("voting.extended", str(edition), {
        "edition_id": str(edition), "previous_ends_at": "2027-05-31T21:59:00+00:00",
        "ends_at": "2027-05-31T22:30:00+00:00", "reason": "awaria rejestru głosów 20:10–20:40",
        "outage_seconds": 1800}, source="proposals-svc")
    _deliver(svc, extended)
    _deliver(svc, extended)  # redelivered: nobody is mailed twice
    [(to, subject, body, _)] = _mail(svc)
    assert to == "glosujaca@glos.local" and subject.startswith("Głos: głosowanie przedłużone")
    assert "przedłużono do 1 czerwca 2027, godz. 00:30 (miało się skończyć 31 maja 2027, godz. 23:59)" in body
    assert "Powód: awaria rejestru głosów 20:10–20:40" in body and f"/edycje/{edition}" in body
    assert "— English —" in body and "Voting in the participatory budget was extended" in body
