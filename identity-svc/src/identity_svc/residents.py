"""Resident verification: a person declares residency with PESEL, names and address; officials can verify
them in person. One PESEL belongs to one account."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from glos_chassis import age_bands
from glos_chassis.errors import Problem

from . import audit, districts, events
from .addresses import district_for
from .census import census_district
from .credentials import voter_key
from .models import Account, EditionEligibility, IssuedCredential, Resident
from .personal_data import Vault, parse_pesel

LEVELS = ("declared", "census", "in_person")


def _district_of(session: Session, address: str, chosen: str | None) -> str:
    """The street register decides where it knows the street; otherwise the district chosen from the city's
    list. Never a name typed freely: it would match no area of any edition."""
    registered = district_for(session, address)
    if registered:
        return registered
    if chosen:
        return districts.require_known(session, chosen)
    raise Problem(422, "Tej ulicy nie ma w rejestrze ulic miasta: wybierz osiedle z listy.",
                  "The street is not in the city's register: choose your district from the list.",
                  errors=[{"location": "json", "field": "district",
                           "message": "Nie znaleźliśmy tej ulicy w rejestrze — wybierz osiedle z listy.",
                           "message_en": "We could not find the street in the register: choose your district."}])


def declare_residency(session: Session, vault: Vault, account_id: uuid.UUID, *, pesel: str, first_name: str,
                      last_name: str, address: str, district: str | None = None,
                      voted: Callable[[Resident], bool] = lambda resident: False) -> Resident:
    """Record the person behind an account as a (declared) resident of `district`.

    At most one account per PESEL: a second account giving the same PESEL gets 409, whichever arrives first
    under concurrency (the unique pesel_hash decides). Declaring again corrects the record (`correct_residency`
    says when a district can no longer change).
    """
    parsed = parse_pesel(pesel)
    district = _district_of(session, address, district)
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
    elif resident.verification_level != "declared":
        district = resident.district  # confirmed by the office (census, in person): the office's to change
    elif resident.district != district:
        _check_correctable(session, resident, district, voted=voted)
        audit.record(session, actor=str(account_id), action="resident.residency_corrected", target=str(account_id),
                     reason="a new declaration by the resident", district_before=resident.district,
                     district_after=district)
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


def _check_correctable(session: Session, resident: Resident, district: str, *,
                       voted: Callable[[Resident], bool]) -> None:
    if resident.verification_level != "declared":
        raise Problem(409, "Twoje osiedle potwierdził urząd (rejestr mieszkańców lub weryfikacja osobista) — "
                           "aby je zmienić, skontaktuj się z urzędem.",
                      "Your district was confirmed by the city office; contact the office to change it.",
                      type_="https://glos.pl/problems/residency/confirmed-by-office",
                      errors=[{"location": "json", "field": "district",
                               "message": "Osiedle potwierdzone przez urząd.",
                               "message_en": "District confirmed by the office."}])
    if voted(resident):
        raise Problem(409, "Oddano już głos w trwającej edycji — osiedla nie można teraz zmienić.",
                      "You have voted in an edition still under way: the district cannot change now.",
                      type_="https://glos.pl/problems/residency/voted",
                      errors=[{"location": "json", "field": "district",
                               "message": "Po oddaniu głosu osiedla nie można zmienić do końca edycji.",
                               "message_en": "After voting the district stays until the edition ends."}])


def correct_residency(session: Session, vault: Vault, account_id: uuid.UUID, *, address: str,
                      district: str | None = None, voted: Callable[[Resident], bool]) -> Resident:
    """The resident corrects their address and district — until they have voted: a credential carries the
    district it was issued with, and a second district would mean a second district ballot. A district the
    office confirmed (census, in person) is the office's to change. Audited with both districts."""
    resident = session.get(Resident, account_id)
    if resident is None:
        raise Problem(404, "Nie złożono deklaracji zamieszkania.", "No residency declaration yet.")
    new_district = _district_of(session, address, district)
    if new_district != resident.district:
        _check_correctable(session, resident, new_district, voted=voted)
    audit.record(session, actor=str(account_id), action="resident.residency_corrected", target=str(account_id),
                 reason="a correction by the resident", district_before=resident.district,
                 district_after=new_district)
    resident.address_encrypted = vault.encrypt(address.strip())
    resident.district = new_district
    session.flush()
    _announce(session, resident)
    return resident


def voted_in_an_edition_under_way(session: Session, master_secret: bytes, vault: Vault) -> Callable[[Resident], bool]:
    """Whether the resident got a voter credential in an edition whose voting day has not passed. A credential is
    asked for only at the moment of casting, and the ballot itself knows no account: this is what identity-svc
    can know of "has voted" without looking at a ballot."""
    def voted(resident: Resident) -> bool:
        pesel = vault.decrypt(resident.pesel_encrypted)
        today = datetime.now(UTC).date()
        for edition_id in session.scalars(select(EditionEligibility.edition_id)
                                          .where(EditionEligibility.voting_day >= today)):
            key = voter_key(master_secret, edition_id, pesel)
            if session.scalar(select(IssuedCredential.id).where(IssuedCredential.edition_id == edition_id,
                                                                IssuedCredential.voter_key == key).limit(1)):
                return True
        return False
    return voted


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


def age_band(birth_date: date, on: date) -> str:
    """A coarse band (the platform's, `glos_chassis.age_bands`), enough for statistics and never enough to
    find a person."""
    return age_bands.of_age(age_bands.years_on(birth_date, on))


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
    resident.district = districts.require_known(session, district)
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


def find_at_desk(session: Session, vault, *, email: str | None, pesel: str | None) -> dict:
    """The person standing at the desk: their account by e-mail, or by the PESEL of their declared residency."""
    from .models import Account
    from .personal_data import parse_pesel

    if email:
        account = session.scalar(select(Account).where(func.lower(Account.email) == email.strip().lower()))
        resident = session.get(Resident, account.id) if account is not None else None
        field = "email"
    else:
        digest = vault.pesel_hash(parse_pesel(pesel).number)  # a malformed PESEL: a 422 by its field
        resident = session.scalar(select(Resident).where(Resident.pesel_hash == digest))
        account = session.get(Account, resident.account_id) if resident is not None else None
        field = "pesel"
    if account is None:
        raise Problem(404, "Nie ma konta o takim adresie e-mail." if field == "email" else
                      "Nikt nie zadeklarował zamieszkania z tym numerem PESEL.",
                      "No account with this e-mail." if field == "email" else "Nobody declared residency with this PESEL.",
                      errors=[{"location": "json", "field": field, "message": "Nie znaleziono.",
                               "message_en": "Not found."}])
    return {"account_id": account.id, "display_name": account.display_name, "email": account.email,
            "district": resident.district if resident else None,
            "level": resident.verification_level if resident else None}
