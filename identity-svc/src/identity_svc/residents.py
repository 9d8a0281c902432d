"""Resident verification: a person declares residency with PESEL, names and address; officials can verify
them in person. One PESEL belongs to one account."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import audit, events
from .addresses import district_for
from .census import census_district
from .models import Account, Resident
from .personal_data import Vault, parse_pesel

LEVELS = ("declared", "census", "in_person")


def declare_residency(session: Session, vault: Vault, account_id: uuid.UUID, *, pesel: str, first_name: str,
                      last_name: str, address: str, district: str | None = None) -> Resident:
    """Record the person behind an account as a (declared) resident of `district`.

    At most one account per PESEL: a second account giving the same PESEL gets 409, whichever arrives first
    under concurrency (the unique pesel_hash decides).
    """
    parsed = parse_pesel(pesel)
    # the street register decides the district where it knows the street; otherwise the person's choice
    district = district_for(session, address) or district
    if not district:
        raise Problem(422, "Nie rozpoznano ulicy: wskaż osiedle (dzielnicę).",
                      "The street is not in the city's register: choose your district.",
                      errors=[{"location": "json", "field": "district", "message": "Wskaż osiedle.",
                               "message_en": "Choose a district."}])
    digest = vault.pesel_hash(parsed.number)
    owner = session.scalar(select(Resident.account_id).where(Resident.pesel_hash == digest))
    if owner is not None and owner != account_id:
        raise Problem(409, "Ten PESEL jest już przypisany do innego konta.", "This PESEL belongs to another account.",
                      errors=[{"location": "json", "field": "pesel", "message": "PESEL jest już używany.",
                               "message_en": "PESEL already in use."}])
    resident = session.get(Resident, account_id)
    if resident is None:
        resident = Resident(account_id=account_id, verification_level="declared",
                            verification_method="residency declaration")
        session.add(resident)
    elif resident.pesel_hash != digest:
        raise Problem(409, "Konto ma już inny PESEL.", "The account already has another PESEL.",
                      errors=[{"location": "json", "field": "pesel", "message": "Inny PESEL niż zapisany.",
                               "message_en": "Differs from the PESEL on record."}])
    resident.pesel_hash = digest
    resident.pesel_encrypted = vault.encrypt(parsed.number)
    resident.first_name_encrypted = vault.encrypt(first_name.strip())
    resident.last_name_encrypted = vault.encrypt(last_name.strip())
    resident.address_encrypted = vault.encrypt(address.strip())
    resident.birth_date = parsed.birth_date
    resident.district = district
    registered_district = census_district(session, digest)
    if registered_district is not None and resident.verification_level == "declared":
        # on the city's register: verified by census, and the register's district is the one that counts
        resident.verification_level = "census"
        resident.verification_method = "census match"
        resident.district = registered_district
    session.flush()
    _announce(session, resident)
    return resident


def verify_in_person(session: Session, *, account_id: uuid.UUID, official: str, document: str,
                     reason: str) -> Resident:
    """An official checked the person's ID at a consultation point."""
    resident = session.get(Resident, account_id)
    if resident is None:
        raise Problem(404, "Ta osoba nie złożyła deklaracji zamieszkania.", "This person has no resident record.")
    resident.verification_level = "in_person"
    resident.verification_method = f"in person: {document}"
    resident.verified_by = official
    resident.verified_at = datetime.now(UTC)
    audit.record(session, actor=official, action="resident.verified_in_person", target=str(account_id),
                 reason=reason, document=document)
    _announce(session, resident)
    return resident


AGE_BANDS = ((18, "<18"), (30, "18-29"), (45, "30-44"), (60, "45-59"), (75, "60-74"))


def age_band(birth_date: date, on: date) -> str:
    """A coarse band, enough for consultation statistics and never enough to find a person."""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return next((band for limit, band in AGE_BANDS if age < limit), "75+")


def _announce(session: Session, resident: Resident) -> None:
    """`resident.verified`: the account, its district, level and age band — the facts other services act on."""
    events.publish(session, "resident.verified", str(resident.account_id), {
        "account_id": str(resident.account_id), "level": resident.verification_level, "district": resident.district,
        "age_band": age_band(resident.birth_date, datetime.now(UTC).date())})


def masked_pesel(vault: Vault, resident: Resident) -> str:
    number = vault.decrypt(resident.pesel_encrypted)
    return "*" * (len(number) - 4) + number[-4:]


def require_account(session: Session, account_id: uuid.UUID) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise Problem(404, "Nie ma takiego konta.", "No such account.")
    return account


def verify_foreigner(session: Session, vault: Vault, *, account_id: uuid.UUID, official: str, country: str,
                     document_type: str, document_number: str, first_name: str, last_name: str, birth_date,
                     address: str, district: str, reason: str) -> Resident:
    """A resident without a PESEL, verified by an official with another document.

    They get a synthetic identifier, stable for the same document: "X" + 10 digits derived from a keyed hash
    of country, document type and number. It stands where a PESEL would (voter keys are computed over it),
    and cannot collide with a PESEL, which is all digits.
    """
    require_account(session, account_id)
    document = f"{country.strip().upper()}:{document_type}:{document_number.strip().upper()}"
    synthetic = "X" + str(int(vault.pesel_hash("document:" + document), 16))[-10:]
    digest = vault.pesel_hash(synthetic)
    owner = session.scalar(select(Resident.account_id).where(Resident.pesel_hash == digest))
    if owner is not None and owner != account_id:
        raise Problem(409, "Ten dokument jest już przypisany do innego konta.",
                      "This document belongs to another account.",
                      errors=[{"location": "json", "field": "document_number", "message": "Dokument już użyty.",
                               "message_en": "Document already used."}])
    resident = session.get(Resident, account_id) or Resident(account_id=account_id)
    resident.pesel_hash = digest
    resident.pesel_encrypted = vault.encrypt(synthetic)
    resident.first_name_encrypted = vault.encrypt(first_name.strip())
    resident.last_name_encrypted = vault.encrypt(last_name.strip())
    resident.address_encrypted = vault.encrypt(address.strip())
    resident.birth_date = birth_date
    resident.district = district
    resident.verification_level = "in_person"
    resident.verification_method = f"in person: {document_type} ({country.strip().upper()})"
    resident.verified_by = official
    resident.verified_at = datetime.now(UTC)
    session.add(resident)
    session.flush()
    audit.record(session, actor=official, action="resident.foreigner_verified", target=str(account_id),
                 reason=reason, document_type=document_type, country=country.strip().upper())
    _announce(session, resident)
    return resident
