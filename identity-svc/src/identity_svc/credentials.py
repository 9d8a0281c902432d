"""Voter credentials: the bridge to voting-svc (DESIGN §3).

A credential is a short-lived RS256 token for one edition carrying a voter key — HMAC-SHA256 over the PESEL
with that edition's secret — and only the facts the edition's rules need: district, age on the voting day,
verification level. The same person always gets the same key for the same edition; keys of different
editions cannot be linked without the secrets. voting-svc verifies the token offline against the JWKS.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass
from datetime import date

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import audit, census
from .keys import active_private_key
from .models import EditionEligibility, IssuedCredential, Resident
from .personal_data import Vault, age_on, parse_pesel

CREDENTIAL_TYPE = "voter-credential"
# A pass that only asks voting-svc "has this voter key a ballot here?" — so the site can say "you have voted"
# after a new login or on another device. It is not a voter credential (voting-svc refuses it on the vote
# path by its type), checks no eligibility and is not recorded as issued (asking is not voting).
STATUS_PASS_TYPE = "voter-status"
STATUS_PASS_TTL_S = 60


def edition_secret(master: bytes, edition_id: uuid.UUID) -> bytes:
    """Each edition's secret, derived from the master secret kept outside the database."""
    return hmac.new(master, f"glos-edition:{edition_id}".encode(), hashlib.sha256).digest()


def voter_key(master: bytes, edition_id: uuid.UUID, pesel: str) -> str:
    return hmac.new(edition_secret(master, edition_id), pesel.encode(), hashlib.sha256).hexdigest()


def _ineligible(rule: str, pl: str, en: str) -> Problem:
    return Problem(403, pl, en, type_=f"https://glos.pl/problems/ineligible/{rule}",
                   errors=[{"location": "eligibility", "field": rule, "message": pl, "message_en": en}])


def check_eligibility(rules: EditionEligibility, resident: Resident, *, guardian_consent: bool) -> int:
    """Returns the age on the voting day, or raises 403 naming the rule the person does not meet."""
    age = age_on(resident.birth_date, rules.voting_day)
    if rules.residency == "census" and resident.verification_level not in ("census", "in_person"):
        raise _ineligible("residency", "Ta edycja wymaga potwierdzenia w rejestrze mieszkańców.",
                          "This edition requires a match in the residents' register.")
    if rules.min_age is not None and age < rules.min_age:
        raise _ineligible("min_age", f"Głosować mogą osoby, które w dniu głosowania mają co najmniej {rules.min_age} lat.",
                          f"Voters must be at least {rules.min_age} on the voting day.")
    if rules.guardian_consent_under is not None and age < rules.guardian_consent_under and not guardian_consent:
        raise _ineligible("guardian_consent",
                          f"Osoby poniżej {rules.guardian_consent_under} lat potrzebują zgody opiekuna.",
                          f"Voters under {rules.guardian_consent_under} need a guardian's consent.")
    return age


@dataclass(frozen=True)
class RegisteredPerson:
    """Someone in the residents' register (census) without an account here: at a voting point the official
    has their PESEL from an identity document, and the register gives the district."""

    birth_date: date
    district: str
    verification_level: str = "census"


def voter_at_point(session: Session, vault: Vault, pesel: str) -> tuple[Resident | RegisteredPerson, str]:
    """(the person, their PESEL) for a credential requested at a voting point: a verified resident with an
    account, or else a person in the active census register."""
    parsed = parse_pesel(pesel)
    digest = vault.pesel_hash(parsed.number)
    resident = session.scalar(select(Resident).where(Resident.pesel_hash == digest))
    if resident is not None:
        return resident, parsed.number
    district = census.census_district(session, digest)
    if district is None:
        raise Problem(404, "Tej osoby nie ma wśród zweryfikowanych mieszkańców ani w rejestrze mieszkańców.",
                      "This person is neither a verified resident nor in the residents' register.",
                      errors=[{"location": "json", "field": "pesel", "message": "Nieznany PESEL.",
                               "message_en": "Unknown PESEL."}])
    return RegisteredPerson(birth_date=parsed.birth_date, district=district), parsed.number


def issue(session: Session, *, vault: Vault, settings, edition_id: uuid.UUID, resident: Resident | RegisteredPerson,
          guardian_consent: bool, channel: str, issued_by: str, pesel: str | None = None,
          signing_key=None) -> dict:
    rules = session.get(EditionEligibility, edition_id)
    if rules is None:
        raise Problem(404, "Ta edycja nie ma jeszcze zasad głosowania w usłudze tożsamości.",
                      "This edition has no eligibility rules in identity-svc yet.")
    age = check_eligibility(rules, resident, guardian_consent=guardian_consent)
    key = voter_key(settings.voter_key_master_secret.get_secret_value().encode(), edition_id,
                    pesel or vault.decrypt(resident.pesel_encrypted))
    kid, private = signing_key or active_private_key(session, settings.key_passphrase.get_secret_value().encode())
    now = int(time.time())
    claims = {"iss": settings.token_issuer, "aud": settings.credential_audience, "sub": key, "typ": CREDENTIAL_TYPE,
              "edition_id": str(edition_id), "district": resident.district, "age": age,
              "verification_level": resident.verification_level, "channel": channel,
              "iat": now, "nbf": now, "exp": now + settings.credential_ttl_s, "jti": uuid.uuid4().hex}
    session.add(IssuedCredential(edition_id=edition_id, voter_key=key, channel=channel, issued_by=issued_by))
    if channel == "paper":
        audit.record(session, actor=issued_by, action="credential.issued_on_behalf", target=str(edition_id),
                     reason="paper ballot at a voting point", voter_key=key)
    token = jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})
    return {"credential": token, "expires_in": settings.credential_ttl_s, "voter_key": key}


def status_pass(session: Session, *, vault: Vault, settings, edition_id: uuid.UUID, resident: Resident) -> dict:
    key = voter_key(settings.voter_key_master_secret.get_secret_value().encode(), edition_id,
                    vault.decrypt(resident.pesel_encrypted))
    kid, private = active_private_key(session, settings.key_passphrase.get_secret_value().encode())
    now = int(time.time())
    claims = {"iss": settings.token_issuer, "aud": settings.credential_audience, "sub": key, "typ": STATUS_PASS_TYPE,
              "edition_id": str(edition_id), "iat": now, "nbf": now, "exp": now + STATUS_PASS_TTL_S,
              "jti": uuid.uuid4().hex}
    token = jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})
    return {"credential": token, "expires_in": STATUS_PASS_TTL_S, "voter_key": key}
