"""Census (register) import: the city uploads the residents eligible to vote as CSV.

Columns (header required, `;` or `,` separated): `pesel`, `first_name`, `last_name`, and `district` or
`address`. Only the PESEL's keyed hash and the district are kept: names are read to check the row is
complete, then dropped. A re-import replaces the active list atomically: the new list is written, then made
active, and residents' verification levels follow it, all in one transaction. Rejected rows are reported by
row number and reason — never by their content. Imports run one at a time (an advisory lock): two at once
would each replace the list the other had not yet committed, leaving two lists active.
"""

from __future__ import annotations

import csv
from datetime import date
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.orm import Session
from stdnum.pl import pesel as stdnum_pesel

from glos_chassis import age_bands
from glos_chassis.errors import Problem

from . import audit, districts
from .models import CensusEntry, CensusList, Resident
from .personal_data import Vault

REQUIRED = ("pesel", "first_name", "last_name")
BATCH = 5000
PROGRESS_EVERY = 1000  # rows between two calls of an import's progress callback
IMPORT_LOCK_ID = 0x63656E73  # advisory lock ("cens"): one census import at a time, whichever process runs it


@dataclass
class ImportReport:
    list_id: str = ""
    accepted: int = 0
    rejected: list[dict] = field(default_factory=list)
    residents_matched: int = 0

    def as_dict(self) -> dict:
        return {"list_id": self.list_id, "accepted_rows": self.accepted, "rejected_rows": len(self.rejected),
                "rejected": self.rejected, "residents_matched": self.residents_matched}


def read_rows(text: str) -> tuple[list[str], Iterable[dict]]:
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if "district" not in header and "address" not in header:
        missing.append("district")
    if missing:
        raise Problem(422, f"Brakuje kolumn: {', '.join(missing)}.", f"Missing columns: {', '.join(missing)}.",
                      errors=[{"location": "file", "field": c, "message": "Brak kolumny.",
                               "message_en": "Missing column."} for c in missing])
    reader.fieldnames = header
    return header, reader


def district_of(row: dict, resolve_address: Callable[[str], str | None]) -> str | None:
    district = (row.get("district") or "").strip()
    if district:
        return district
    return resolve_address((row.get("address") or "").strip())


def import_census(session: Session, vault: Vault, text: str, *, actor: str, reason: str,
                  resolve_address: Callable[[str], str | None] = lambda address: None,
                  progress: Callable[[int], None] | None = None) -> ImportReport:
    _, rows = read_rows(text)
    session.execute(select(func.pg_advisory_xact_lock(IMPORT_LOCK_ID)))  # held until this import commits
    census = CensusList(imported_by=actor, accepted_rows=0, rejected_rows=0, active=False)
    session.add(census)
    session.flush()
    report = ImportReport(list_id=str(census.id))
    seen: set[str] = set()
    batch: list[dict] = []
    # the register's districts are the city's: spelt as on the city's list, and a new one joins the list
    listed = districts.spellings(session)
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        if progress and (number - 1) % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
        raw = (row.get("pesel") or "").strip()
        if not stdnum_pesel.is_valid(raw):
            report.rejected.append({"row": number, "reason": "invalid_pesel"})
            continue
        if not (row.get("first_name") or "").strip() or not (row.get("last_name") or "").strip():
            report.rejected.append({"row": number, "reason": "missing_name"})
            continue
        district = district_of(row, resolve_address)
        if not district:
            report.rejected.append({"row": number, "reason": "unknown_district"})
            continue
        district = listed.setdefault(districts.key(district), district)
        digest = vault.pesel_hash(raw)
        if digest in seen:
            report.rejected.append({"row": number, "reason": "duplicate_pesel"})
            continue
        seen.add(digest)
        batch.append({"list_id": census.id, "pesel_hash": digest, "district": district,
                      "birth_date": stdnum_pesel.get_birth_date(raw)})
        if len(batch) >= BATCH:
            session.execute(insert(CensusEntry), batch)
            batch.clear()
    if batch:
        session.execute(insert(CensusEntry), batch)
    districts.add_known(session, listed.values())
    report.accepted = len(seen)
    census.accepted_rows, census.rejected_rows = report.accepted, len(report.rejected)
    # switch lists: the old one goes, the new one becomes the register, in this same transaction
    old = session.scalars(select(CensusList.id).where(CensusList.active)).all()
    if old:
        session.execute(delete(CensusList).where(CensusList.id.in_(old)))
    census.active = True
    session.execute(update(Resident).where(Resident.verification_level == "census")
                    .values(verification_level="declared", verification_method="residency declaration"))
    listed = select(CensusEntry.pesel_hash).where(CensusEntry.list_id == census.id)
    matched = session.execute(update(Resident).where(Resident.pesel_hash.in_(listed),
                                                     Resident.verification_level == "declared")
                              .values(verification_level="census", verification_method="census match"))
    report.residents_matched = matched.rowcount or 0
    audit.record(session, actor=actor, action="census.imported", target=str(census.id), reason=reason,
                 accepted=report.accepted, rejected=len(report.rejected))
    return report


def census_district(session: Session, pesel_hash: str) -> str | None:
    return session.scalar(select(CensusEntry.district).join(CensusList)
                          .where(CensusList.active, CensusEntry.pesel_hash == pesel_hash))


def population(session: Session, *, on: date, min_age: int | None) -> dict | None:
    """Residents on the active register by district, and by age band on `on`, counting those at least
    `min_age` then (a voting day's eligible residents). Aggregates only, counted by PostgreSQL (a city's
    register is hundreds of thousands of rows); None without a register."""
    register = session.scalar(select(CensusList).where(CensusList.active))
    if register is None:
        return None
    age = func.date_part("year", func.age(on, CensusEntry.birth_date))
    band = case(*((age < limit, label) for limit, label in age_bands.LIMITS), else_=age_bands.OLDEST)
    counted = (select(CensusEntry.district, band.label("band"), func.count().label("n"))
               .where(CensusEntry.list_id == register.id, CensusEntry.birth_date.is_not(None),
                      age >= (min_age or 0))
               .group_by(CensusEntry.district, band))
    by_district = {d: {"district": d, "eligible": 0, "age_bands": {}} for d in session.scalars(
        select(CensusEntry.district).where(CensusEntry.list_id == register.id).distinct())}
    for district, label, n in session.execute(counted):
        row = by_district[district]
        row["eligible"] += n
        row["age_bands"][label] = n
    rows = sorted(by_district.values(), key=lambda r: districts.key(r["district"]))
    return {"register_imported_at": register.imported_at, "on": on, "min_age": min_age,
            "total": sum(r["eligible"] for r in rows), "districts": rows}
