"""Telling people what became of what they did: mail about their proposal (submitted, verified, a change asked
for, an appeal decided), their part in a consultation (a meeting place, a reminder, the report's answer to
their remark), and a voting they started that was extended.

identity-svc sends these because the e-mail addresses live here and nowhere else: the other services announce
what happened (`proposals.events`; `notification.requested` on `consultation.events`, which names the account)
and this consumer writes the mail into the outbox in the same transaction that records the event as processed,
so a redelivered event mails nobody twice. Each mail is in Polish, then English, with dates in Warsaw time, and
carries a one-click unsubscribe link (RFC 8058); a person who unsubscribed gets no more of these — mail about
their account itself (confirmation, password reset) is not affected.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.events import Envelope

from . import audit, mail
from .credentials import voter_key
from .models import Account, IssuedCredential, NotificationOptOut, Resident
from .personal_data import vault_from

log = logging.getLogger(__name__)

GROUP_ID = "identity-svc.notifications"
TOPICS = ["proposals.events", "consultation.events"]
WARSAW = ZoneInfo("Europe/Warsaw")
MONTHS_PL = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
             "października", "listopada", "grudnia")
OUTCOME_PL = {"accepted": "uwzględniona", "partly_accepted": "uwzględniona częściowo",
              "not_accepted": "nieuwzględniona", "not_applicable": "nie dotyczy"}
OUTCOME_EN = {"accepted": "accepted", "partly_accepted": "partly accepted", "not_accepted": "not accepted",
              "not_applicable": "not applicable"}
# the assessment's name as Polish needs it: "ocena formalna" · "ocenę formalną" · "oceny formalnej"
STAGE_PL = {"formal": ("formalna", "formalną", "formalnej"), "substantive": ("merytoryczna", "merytoryczną",
            "merytorycznej"), "scoring": ("punktowa", "punktową", "punktowej")}


@dataclass(frozen=True)
class Message:
    subject_pl: str
    subject_en: str
    body_pl: str
    body_en: str
    link: str | None = None  # a path on the site, e.g. the proposal's page


def local_pl(iso: str | None) -> str:
    if not iso:
        return "—"
    moment = datetime.fromisoformat(iso).astimezone(WARSAW)
    return f"{moment.day} {MONTHS_PL[moment.month - 1]} {moment.year}, godz. {moment:%H:%M}"


def local_en(iso: str | None) -> str:
    if not iso:
        return "—"
    moment = datetime.fromisoformat(iso).astimezone(WARSAW)
    return f"{moment:%-d %B %Y, %H:%M} (Warsaw time)"


# -- what each event says ----------------------------------------------------------------------------------------

def _proposal_link(data: dict) -> str:
    return f"/edycje/{data['edition_id']}/projekty/{data['proposal_id']}"


def _submitted(data: dict) -> Message:
    title = data.get("title", "")
    return Message(f"Głos: wniosek „{title}” złożony", f"Głos: proposal “{title}” submitted",
                   f"Twój wniosek „{title}” został złożony. Urząd sprawdzi go pod względem formalnym; o wyniku "
                   "napiszemy w osobnej wiadomości.",
                   f"Your proposal “{title}” was submitted. The office will check it formally; we will write "
                   "with the outcome.", _proposal_link(data))


def _verified(data: dict) -> Message:
    title, stage = data.get("title", ""), data.get("stage", "formal")
    nominative, accusative, genitive = STAGE_PL.get(stage, (stage, stage, stage))
    if data.get("outcome") == "positive":
        return Message(f"Głos: wniosek „{title}” przeszedł ocenę {accusative}",
                       f"Głos: proposal “{title}” passed the {stage} assessment",
                       f"Wniosek „{title}” przeszedł ocenę {accusative}.",
                       f"Proposal “{title}” passed the {stage} assessment.", _proposal_link(data))
    reasons = data.get("reasons") or [note for note in (data.get("failed_items") or {}).values() if note]
    why = "\n".join(f"- {reason}" for reason in reasons) or f"- {data.get('reason') or '—'}"
    appeal_by = data.get("appeal_by")
    appeal_pl = (f"Możesz się odwołać do {local_pl(appeal_by)} na stronie wniosku." if appeal_by
                 else "Możesz się odwołać na stronie wniosku; tam też jest termin odwołania.")
    appeal_en = (f"You can appeal by {local_en(appeal_by)} on the proposal's page." if appeal_by
                 else "You can appeal on the proposal's page, which shows the deadline.")
    return Message(f"Głos: wniosek „{title}” — ocena {nominative} negatywna",
                   f"Głos: proposal “{title}” — {stage} assessment negative",
                   f"Wniosek „{title}” nie przeszedł oceny {genitive}. Powody:\n{why}\n\n{appeal_pl}",
                   f"Proposal “{title}” did not pass the {stage} assessment. Reasons:\n{why}\n\n{appeal_en}",
                   _proposal_link(data))


def _change_requested(data: dict) -> Message:
    title = data.get("title", "")
    fields = ", ".join(data.get("fields") or []) or "—"
    return Message(f"Głos: urząd prosi o zmianę wniosku „{title}”", f"Głos: the office asks to change “{title}”",
                   f"Urząd proponuje zmiany we wniosku „{title}” (pola: {fields}). Odpowiedz do "
                   f"{local_pl(data.get('respond_by'))} na stronie wniosku.",
                   f"The office proposes changes to “{title}” (fields: {fields}). Answer by "
                   f"{local_en(data.get('respond_by'))} on the proposal's page.", _proposal_link(data))


def _appeal_decided(data: dict) -> Message:
    title, justification = data.get("title", ""), data.get("justification", "")
    if data.get("upheld"):
        pl, en = "uwzględnione — wniosek wraca do oceny", "upheld — the proposal is assessed again"
    else:
        pl, en = "oddalone", "dismissed"
    return Message(f"Głos: odwołanie w sprawie „{title}” {pl.split(' —')[0]}",
                   f"Głos: appeal on “{title}” {en.split(' —')[0]}",
                   f"Odwołanie w sprawie wniosku „{title}”: {pl}.\nUzasadnienie: {justification}",
                   f"The appeal on proposal “{title}”: {en}.\nJustification: {justification}", _proposal_link(data))


def _meeting(data: dict, what: str) -> Message:
    title, when = data.get("title", ""), data.get("starts_at")
    place = data.get("place") or data.get("online_link") or ""
    pl_head, en_head = {
        "meeting.confirmed": ("masz miejsce na spotkaniu", "you have a place at the meeting"),
        "meeting.waitlisted": ("jesteś na liście rezerwowej spotkania", "you are on the meeting's waiting list"),
        "meeting.promoted": ("zwolniło się miejsce — jesteś zapisany(-a)", "a place came free — you are in"),
        "meeting.reminder": ("przypomnienie o spotkaniu", "a reminder of the meeting"),
    }[what]
    return Message(f"Głos: {pl_head} „{title}”", f"Głos: {en_head} “{title}”",
                   f"Spotkanie „{title}”: {local_pl(when)}, {place}.",
                   f"Meeting “{title}”: {local_en(when)}, {place}.",
                   f"/konsultacje/{data['consultation_id']}" if data.get("consultation_id") else None)


def _report_outcome(data: dict) -> Message:
    subject = data.get("subject", "")
    lines_pl, lines_en = [], []
    for remark in data.get("remarks") or []:
        lines_pl.append(f"- Uwaga nr {remark.get('number', '?')}: {OUTCOME_PL.get(remark['status'], remark['status'])}."
                        f" Odpowiedź: {remark.get('reply') or '—'}")
        lines_en.append(f"- Remark no. {remark.get('number', '?')}: {OUTCOME_EN.get(remark['status'], remark['status'])}."
                        f" Reply: {remark.get('reply') or '—'}")
    return Message(f"Głos: raport z konsultacji „{subject}”", f"Głos: the report of the consultation “{subject}”",
                   "Opublikowaliśmy raport z konsultacji, w których wzięła Pani / wziął Pan udział."
                   + ("\nOdpowiedzi na Pani / Pana uwagi:\n" + "\n".join(lines_pl) if lines_pl else ""),
                   "The report of the consultation you took part in is published."
                   + ("\nThe replies to your remarks:\n" + "\n".join(lines_en) if lines_en else ""),
                   f"/konsultacje/{data['consultation_id']}/raport" if data.get("consultation_id") else None)


def _voting_extended(data: dict) -> Message:
    reason = data.get("reason", "")
    return Message("Głos: głosowanie przedłużone", "Głos: voting extended",
                   f"Głosowanie w budżecie obywatelskim przedłużono do {local_pl(data['ends_at'])} (miało się "
                   f"skończyć {local_pl(data['previous_ends_at'])}). Powód: {reason}\n\nPiszemy do Ciebie, bo "
                   "rozpocząłeś (rozpoczęłaś) głosowanie przez internet. Jeśli Twój głos nie został przyjęty — nie "
                   "dostałeś potwierdzenia z kodem — możesz zagłosować do nowego terminu.",
                   f"Voting in the participatory budget was extended to {local_en(data['ends_at'])} (it was to end "
                   f"{local_en(data['previous_ends_at'])}). Reason: {reason}\n\nWe write because you started "
                   "voting online. If your ballot was not accepted — you got no receipt with a code — you can vote "
                   "until the new end.",
                   link=f"/edycje/{data['edition_id']}")


PROPOSAL_EVENTS = {"proposal.submitted": _submitted, "proposal.verified": _verified,
                   "proposal.change_requested": _change_requested, "proposal.appeal_decided": _appeal_decided}
CONSULTATION_NOTICES = {"meeting.confirmed": _meeting, "meeting.waitlisted": _meeting, "meeting.promoted": _meeting,
                        "meeting.reminder": _meeting, "report.outcome": lambda data, what: _report_outcome(data)}


# -- unsubscribing ------------------------------------------------------------------------------------------------

def _serializer(settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.email_token_secret.get_secret_value(), salt="glos-unsubscribe")


def unsubscribe_token(settings, account_id: uuid.UUID | str) -> str:
    return _serializer(settings).dumps(str(account_id))


def account_of_token(settings, token: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(_serializer(settings).loads(token))
    except (BadSignature, ValueError):
        return None


def unsubscribe(session: Session, account_id: uuid.UUID) -> None:
    session.execute(insert(NotificationOptOut).values(account_id=account_id).on_conflict_do_nothing())
    audit.record(session, actor=str(account_id), action="notifications.unsubscribed", target=str(account_id),
                 reason="wypisanie z powiadomień jednym kliknięciem")


def resubscribe(session: Session, account_id: uuid.UUID) -> None:
    optout = session.get(NotificationOptOut, account_id)
    if optout is not None:
        session.delete(optout)
        audit.record(session, actor=str(account_id), action="notifications.resubscribed", target=str(account_id),
                     reason="ponowne włączenie powiadomień")


def subscribed(session: Session, account_id: uuid.UUID) -> bool:
    return session.get(NotificationOptOut, account_id) is None


# -- the consumer -------------------------------------------------------------------------------------------------

class Notifier:
    """The handlers of the notifications consumer group, with the settings the mail's links need."""

    def __init__(self, settings):
        self.settings = settings

    @property
    def handlers(self) -> dict:
        found = {event_type: self.on_proposal_event for event_type in PROPOSAL_EVENTS}
        found["notification.requested"] = self.on_notification_requested
        found["voting.extended"] = self.on_voting_extended
        return found

    def on_voting_extended(self, session: Session, event: Envelope) -> None:
        """Everyone who started voting online in the edition — who took a voting credential — is told the new end
        and why. A credential is recorded by its voter key only; the key is computed again from each resident's
        PESEL here, inside identity-svc, as `residents.voted_in_an_edition_under_way` does, and kept nowhere."""
        edition_id = uuid.UUID(event.data["edition_id"])
        keys = set(session.scalars(select(IssuedCredential.voter_key).where(
            IssuedCredential.edition_id == edition_id, IssuedCredential.channel == "online")))
        if not keys:
            return
        master = self.settings.voter_key_master_secret.get_secret_value().encode()
        vault = vault_from(self.settings)
        message = _voting_extended(event.data)
        told = 0
        for resident in session.scalars(select(Resident)):
            if voter_key(master, edition_id, vault.decrypt(resident.pesel_encrypted)) in keys:
                told += self.tell(session, str(resident.account_id), message, event.type)
        log.info("voting extension mailed", extra={"recipients": told})

    def on_proposal_event(self, session: Session, event: Envelope) -> None:
        data = event.data
        if data.get("applicant"):
            self.tell(session, data["applicant"], PROPOSAL_EVENTS[event.type](data), event.type)

    def on_notification_requested(self, session: Session, event: Envelope) -> None:
        data, what = event.data, event.data.get("what")
        if what in CONSULTATION_NOTICES and data.get("account_id"):
            self.tell(session, data["account_id"], CONSULTATION_NOTICES[what](data, what), what)

    def tell(self, session: Session, account_id: str, message: Message, what: str) -> bool:
        try:
            account = session.get(Account, uuid.UUID(str(account_id)))
        except ValueError:
            account = None
        if account is None or account.email_confirmed_at is None or not subscribed(session, account.id):
            return False  # no one to tell, an address never confirmed, or they asked for no more
        site = self.settings.public_url.rstrip("/")
        token = unsubscribe_token(self.settings, account.id)
        unsubscribe_url = f"{site}/konto/powiadomienia/wypisz/{token}"  # a page with the button, for people
        one_click = f"{site}/api/identity/notifications/unsubscribe/{token}"  # for mail clients (RFC 8058)
        link_pl = f"\n\nSzczegóły: {site}{message.link}" if message.link else ""
        link_en = f"\n\nDetails: {site}{message.link}" if message.link else ""
        body = (f"{message.body_pl}{link_pl}\n\n— English —\n\n{message.body_en}{link_en}\n\n--\n"
                f"Nie chcesz takich wiadomości? Wypisz się jednym kliknięciem / Unsubscribe in one click:\n"
                f"{unsubscribe_url}\n")
        mail.queue(session, to=account.email, subject=f"{message.subject_pl} / {message.subject_en.removeprefix('Głos: ')}",
                   body=body, list_unsubscribe=one_click)
        log.info("notification queued", extra={"what": what})  # never the address
        return True
