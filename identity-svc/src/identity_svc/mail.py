"""Outgoing mail: queued in the database with the change it announces, sent by the worker over SMTP."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from glos_chassis.db import session_scope

from .models import OutgoingMail

log = logging.getLogger(__name__)


def queue(session: Session, *, to: str, subject: str, body: str, list_unsubscribe: str | None = None) -> None:
    session.add(OutgoingMail(to_address=to, subject=subject, body=body, list_unsubscribe=list_unsubscribe))


class MailRelay:
    def __init__(self, sessions: sessionmaker, *, host: str, port: int, sender: str, batch: int = 20):
        self.sessions = sessions
        self.host, self.port, self.sender, self.batch = host, port, sender, batch

    def send_pending(self) -> int:
        sent = 0
        with session_scope(self.sessions) as session:
            now = datetime.now(UTC)
            mails = session.scalars(select(OutgoingMail)
                                    .where(OutgoingMail.sent_at.is_(None), OutgoingMail.next_attempt_at <= now)
                                    .order_by(OutgoingMail.id).limit(self.batch).with_for_update(skip_locked=True)).all()
            if not mails:
                return 0
            try:
                with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
                    for mail in mails:
                        message = EmailMessage()
                        message["From"] = self.sender
                        message["To"] = mail.to_address
                        message["Subject"] = mail.subject
                        if mail.list_unsubscribe:  # RFC 8058: the mail client unsubscribes with one POST
                            message["List-Unsubscribe"] = f"<{mail.list_unsubscribe}>"
                            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
                        message.set_content(mail.body)
                        smtp.send_message(message)
                        mail.sent_at = datetime.now(UTC)
                        sent += 1
            except (OSError, smtplib.SMTPException) as exc:
                for mail in mails:
                    if mail.sent_at is None:
                        mail.attempts += 1
                        mail.last_error = type(exc).__name__
                        mail.next_attempt_at = now + timedelta(seconds=min(2 ** mail.attempts, 600))
                log.warning("mail relay: SMTP failed (%s); %d message(s) will be retried", type(exc).__name__,
                            len(mails) - sent)
        return sent

    def run(self, stop) -> None:
        while not stop.is_set():
            try:
                if self.send_pending() == 0:
                    stop.wait(0.5)
            except Exception:  # the database is away: keep the worker alive
                log.exception("mail relay pass failed")
                stop.wait(2)
