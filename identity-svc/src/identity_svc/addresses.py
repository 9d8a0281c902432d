"""Addresses to districts, through the city's street register (uploaded by officials as CSV).

"ul. Adama Mickiewicza 12/3, 40-092 Katowice" → street "adama mickiewicza" → its district. A street split
between districts is registered by the part the city uses; where the register has no answer, the person's
own choice of district stands.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import audit, districts
from .models import StreetDistrict

PREFIXES = re.compile(r"^(ul\.?|ulica|al\.?|aleja|aleje|pl\.?|plac|os\.?|osiedle|skwer|rondo)\s+", re.IGNORECASE)


def normalise(street_or_address: str) -> str:
    text = street_or_address.split(",")[0]  # the street part of "street number, postcode city"
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = PREFIXES.sub("", text)
    text = re.sub(r"\s+\d+[a-z]?(\s*/\s*\d+[a-z]?)?$", "", text)  # house (and flat) number
    return re.sub(r"\s+", " ", text).strip(" .")


def district_for(session: Session, address: str) -> str | None:
    street = normalise(address)
    return session.scalar(select(StreetDistrict.district).where(StreetDistrict.street == street)) if street else None


def resolver(session: Session):
    """A lookup for bulk use (the census import): the whole register read once."""
    register = dict(session.execute(select(StreetDistrict.street, StreetDistrict.district)).tuples().all())
    return lambda address: register.get(normalise(address)) if address else None


def import_streets(session: Session, text: str, *, actor: str, reason: str) -> int:
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if text[:200].count(";") else ",")
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if not {"street", "district"} <= set(header):
        raise Problem(422, "Plik musi mieć kolumny street i district.", "The file needs columns street and district.",
                      errors=[{"location": "file", "field": c, "message": "Brak kolumny.", "message_en": "Missing."}
                              for c in ("street", "district") if c not in header])
    reader.fieldnames = header
    rows = {}
    for row in reader:
        street, district = normalise(row.get("street") or ""), (row.get("district") or "").strip()
        if street and district:
            rows[street] = district
    session.execute(delete(StreetDistrict))
    # the register's districts are the city's: a district it names joins the list residents choose from
    added = districts.add_known(session, rows.values())
    listed = districts.spellings(session)
    rows = {street: listed[districts.key(district)] for street, district in rows.items()}
    if rows:
        session.execute(insert(StreetDistrict), [{"street": s, "district": d} for s, d in rows.items()])
    audit.record(session, actor=actor, action="streets.imported", target="street_districts", reason=reason,
                 streets=len(rows), districts_added=added)
    return len(rows)
