"""Registration with e-mail confirmation, and the password policy (OWASP ASVS 5.0, chapter 6).

Passwords: at least 8 characters (15 recommended), up to 128 accepted, any characters, checked against the
30,000 most common passwords (zxcvbn's list) and a Polish list; hashed with argon2id.
Registering an address that already has an account answers exactly as a new registration does, and mails
the owner instead, so the form cannot be used to find out who has an account. The mails hold nothing the
registrant typed (the address is not confirmed yet: anyone could have typed it), at most
`MAILS_PER_RECIPIENT_PER_HOUR` go to one address whatever the answer says, and a client address that registers
more than `REGISTRATIONS_PER_CLIENT_PER_HOUR` times an hour is refused.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from glos_chassis.errors import Problem

from . import events, mail
from .limits import WINDOW_S, client_key, recipient_key, within
from .models import Account
from .service import hasher

MIN_LENGTH, MAX_LENGTH = 8, 128
MAILS_PER_RECIPIENT_PER_HOUR = 3
REGISTRATIONS_PER_CLIENT_PER_HOUR = 30  # an office or a library behind one NAT
POLISH_COMMON = {"haslo", "haslo1", "haslo12", "haslo123", "haslo1234", "zaq12wsx", "zaq1@wsx", "polska",
                 "polska1", "kochamcie", "qwerty123", "zxcvbnm", "1qaz2wsx", "misiek", "monika", "marcin",
                 "agnieszka", "kasia1", "bydgoszcz", "katowice", "warszawa", "krakow", "budzetobywatelski"}


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"]) | POLISH_COMMON


def check_password(password: str, email: str) -> None:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append((f"Hasło musi mieć co najmniej {MIN_LENGTH} znaków (zalecane 15).",
                         f"The password needs at least {MIN_LENGTH} characters (15 recommended)."))
    elif len(password) > MAX_LENGTH:
        problems.append((f"Hasło może mieć najwyżej {MAX_LENGTH} znaków.",
                         f"The password may have at most {MAX_LENGTH} characters."))
    elif password.lower() in common_passwords() or password.lower() == email.split("@")[0].lower():
        problems.append(("To hasło jest zbyt popularne lub łatwe do odgadnięcia.",
                         "This password is too common or easy to guess."))
    if problems:
        pl, en = problems[0]
        raise Problem(422, pl, en, type_="https://glos.pl/problems/validation",
                      errors=[{"location": "json", "field": "password", "message": pl, "message_en": en}])


def _serializer(settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.email_token_secret.get_secret_value(), salt="glos-email-confirmation")


def register(session: Session, settings, redis_client, *, email: str, password: str, display_name: str,
             address: str) -> None:
    email = email.strip().lower()
    check_password(password, email)
    if not within(redis_client, client_key("register", address), REGISTRATIONS_PER_CLIENT_PER_HOUR):
        raise Problem(429, "Zbyt wiele rejestracji z tego adresu. Spróbuj ponownie za godzinę.",
                      "Too many registrations from this address. Try again in an hour.",
                      headers={"Retry-After": str(WINDOW_S)})
    may_mail = within(redis_client, recipient_key("register", email), MAILS_PER_RECIPIENT_PER_HOUR)
    existing = session.scalar(select(Account).where(Account.email == email))
    if existing is not None:
        if not may_mail:
            return  # the same answer as always; only no fourth mail this hour
        mail.queue(session, to=email, subject="Głos: masz już konto / you already have an account",
                   body="Ktoś (może Ty) próbował założyć konto na ten adres, ale konto już istnieje. "
                        "Jeśli nie pamiętasz hasła, skorzystaj z przypomnienia.\n\n"
                        "Someone (perhaps you) tried to register with this address, but the account exists.\n")
        return
    account = Account(email=email, password_hash=hasher.hash(password), display_name=display_name,
                      roles=["resident"])
    session.add(account)
    session.flush()
    events.publish(session, "user.registered", str(account.id), {"account_id": str(account.id)})
    if not may_mail:
        return  # this address had its mails for the hour: the account waits, unconfirmed
    token = _serializer(settings).dumps(str(account.id))
    link = f"{settings.public_url}/konto/potwierdz?token={token}"  # the web page, which confirms through the API
    mail.queue(session, to=email, subject="Głos: potwierdź adres e-mail / confirm your e-mail address",
               body="Dzień dobry,\n\naby potwierdzić adres e-mail i aktywować konto w Głosie, "
                    f"otwórz link (ważny 48 godzin):\n{link}\n\n"
                    f"To confirm your e-mail address and activate your Glos account, open the link above "
                    f"(valid for 48 hours).\n")


def confirm(session: Session, settings, token: str) -> Account:
    try:
        account_id = _serializer(settings).loads(token, max_age=settings.email_token_max_age_s)
    except SignatureExpired:
        raise Problem(410, "Link potwierdzający wygasł. Zarejestruj się ponownie.",
                      "The confirmation link has expired. Register again.") from None
    except BadSignature:
        raise Problem(400, "Link potwierdzający jest nieprawidłowy.", "The confirmation link is not valid.",
                      errors=[{"location": "query", "field": "token", "message": "Nieprawidłowy podpis.",
                               "message_en": "Bad signature."}]) from None
    account = session.get(Account, uuid.UUID(account_id))
    if account is None:
        raise Problem(404, "Nie ma takiego konta.", "No such account.")
    if account.email_confirmed_at is None:
        account.email_confirmed_at = datetime.now(UTC)
        events.publish(session, "user.confirmed", str(account.id), {"account_id": str(account.id)})
    return account
