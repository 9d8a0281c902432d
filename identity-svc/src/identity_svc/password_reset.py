"""Password reset by e-mail (OWASP ASVS 5.0 §6.4), with the login lockout and no account enumeration.

- The request answers the same whether or not the address has an account; a mail goes out only to an
  existing, confirmed account, at most `RESET_MAILS_PER_HOUR` an hour per account, and holds no text anyone
  typed — only the link. A client address that asks too often is refused (429), whichever addresses it names.
- The link carries a signed token bound to the current password hash: it expires after an hour and stops
  working once the password changes, so it can be used once.
- Every wrong or expired token counts as a failed attempt of the client address in the login throttle, and a
  locked client is refused before the token is looked at. A successful reset clears the account's lockout,
  and ends every login of the account at once — its refresh tokens and its access tokens at every service.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import mail
from .limits import client_key, recipient_key, within
from .models import Account
from .registration import check_password
from .service import hasher
from . import sessions
from .sessions import Throttle

log = logging.getLogger("identity_svc.auth")

TOKEN_MAX_AGE_S = 3600
RESET_MAILS_PER_HOUR = 3
REQUESTS_PER_CLIENT_PER_HOUR = 20


def _serializer(settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.email_token_secret.get_secret_value(), salt="glos-password-reset")


def _fingerprint(account: Account) -> str:
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:20]


def request_reset(session: Session, redis_client, settings, *, email: str, address: str) -> None:
    if not within(redis_client, client_key("reset", address), REQUESTS_PER_CLIENT_PER_HOUR):
        raise Problem(429, "Zbyt wiele próśb o zmianę hasła. Spróbuj ponownie za godzinę.",
                      "Too many password reset requests. Try again in an hour.", headers={"Retry-After": "3600"})
    email = email.strip().lower()
    account = session.scalar(select(Account).where(Account.email == email))
    if account is None or account.email_confirmed_at is None or \
            not within(redis_client, recipient_key("reset", email), RESET_MAILS_PER_HOUR):
        log.info("auth.reset_requested", extra={"result": "no_mail", "client": address})
        return
    token = _serializer(settings).dumps({"a": str(account.id), "p": _fingerprint(account)})
    link = f"{settings.public_url}/konto/nowe-haslo?token={token}"
    mail.queue(session, to=account.email, subject="Głos: ustaw nowe hasło / set a new password",
               body="Ktoś (może Ty) poprosił o zmianę hasła do konta w Głosie. Aby ustawić nowe hasło, otwórz link "
                    f"(ważny godzinę):\n{link}\n\nJeśli to nie Ty, zignoruj tę wiadomość: hasło się nie zmieni.\n\n"
                    "Someone (perhaps you) asked to reset your Glos password. Open the link above within an hour "
                    "to set a new one. If it was not you, ignore this message.\n")
    log.info("auth.reset_requested", extra={"result": "mailed", "account": str(account.id), "client": address})


def _bad_token(pl: str, en: str, status: int = 400) -> Problem:
    return Problem(status, pl, en, type_="https://glos.pl/problems/invalid-reset-token",
                   errors=[{"location": "json", "field": "token", "message": pl, "message_en": en}])


def confirm_reset(session: Session, redis_client, throttle: Throttle, settings, *, token: str, password: str,
                  address: str) -> Account:
    throttle.check_address(address)  # a client locked out of logging in is locked out of this too
    try:
        claims = _serializer(settings).loads(token, max_age=TOKEN_MAX_AGE_S)
        account = session.get(Account, uuid.UUID(claims["a"]), with_for_update=True)
        if account is None or claims.get("p") != _fingerprint(account):
            raise BadSignature("used or unknown")
    except SignatureExpired:
        throttle.failed_address(address)
        raise _bad_token("Link do zmiany hasła wygasł. Poproś o nowy.", "The reset link has expired. Ask for a new one.",
                         410) from None
    except (BadSignature, KeyError, TypeError, ValueError):
        throttle.failed_address(address)
        log.info("auth.reset_confirmed", extra={"result": "bad_token", "client": address})
        raise _bad_token("Link do zmiany hasła jest nieprawidłowy albo został już użyty.",
                         "The reset link is not valid or was already used.") from None
    check_password(password, account.email)
    account.password_hash = hasher.hash(password)
    sessions.end_every_login(session, redis_client, settings, account.id)  # whoever knew the old one is out now
    throttle.succeeded(account.email, address)
    log.info("auth.reset_confirmed", extra={"result": "success", "account": str(account.id), "client": address})
    return account
