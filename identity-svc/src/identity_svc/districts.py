"""The city's districts: the list a resident's district is chosen from, never free text.

A district typed by hand ("dab" for "Dąb") matched no area of any edition: the resident lost their district
ballot and their district's consultations. So a district is always one of these names — chosen from the list,
or found through the street register (addresses.district_for). The office keeps the list; a street register
import adds the districts it names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import audit
from .models import District, Resident, StreetDistrict


def key(name: str) -> str:
    """What two spellings of one district share: case and spacing ("dąb ", "DĄB" → "dąb"); diacritics stay —
    "dab" is not "Dąb", and guessing would put a resident into a district they did not choose."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip().casefold()


POLISH_ALPHABET = " -aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"


def _alphabetical(name: str) -> tuple[int, ...]:
    """Polish order: "Śródmieście" after every "Sz…", as ś follows s in the alphabet (and ł follows l)."""
    return tuple(POLISH_ALPHABET.find(c) if c in POLISH_ALPHABET else 100 + ord(c) for c in key(name))


def names(session: Session) -> list[str]:
    return sorted(session.scalars(select(District.name)).all(), key=_alphabetical)


def spellings(session: Session) -> dict[str, str]:
    """For bulk use (an import): each district's matching key → its name on the list."""
    return {key(name): name for name in session.scalars(select(District.name))}


def canonical(session: Session, name: str | None) -> str | None:
    """The register's spelling of `name`, or None when the city has no such district."""
    if not name or not name.strip():
        return None
    wanted = key(name)
    return next((known for known in session.scalars(select(District.name)) if key(known) == wanted), None)


def require_known(session: Session, name: str | None, *, field: str = "district") -> str:
    known = canonical(session, name)
    if known is None:
        raise Problem(422, "Nie ma takiego osiedla w mieście — wybierz je z listy.",
                      "The city has no such district: choose one from the list.",
                      errors=[{"location": "json", "field": field,
                               "message": "Wybierz osiedle z listy osiedli miasta.",
                               "message_en": "Choose a district from the city's list."}])
    return known


def add_known(session: Session, new_names: Iterable[str]) -> list[str]:
    """Adds the names the city does not have yet (as spelt, trimmed); returns those added."""
    have = {key(n) for n in session.scalars(select(District.name))}
    added = []
    for name in new_names:
        name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip()
        if name and key(name) not in have:
            have.add(key(name))
            added.append(name)
    if added:
        session.execute(insert(District).on_conflict_do_nothing(), [{"name": n} for n in added])
    return added


def add(session: Session, new_names: Iterable[str], *, actor: str, reason: str) -> list[str]:
    """The office adds districts to the city's list (audited)."""
    added = add_known(session, new_names)
    if added:
        audit.record(session, actor=actor, action="districts.added", target="districts", reason=reason, added=added)
    return names(session)


def remove(session: Session, name: str, *, actor: str, reason: str) -> list[str]:
    """The office takes a district off the list (a misspelt one, say) — not while a resident or a street is
    in it: they would be left in a district the city does not have."""
    known = canonical(session, name)
    if known is None:
        raise Problem(404, "Nie ma takiego osiedla na liście.", "No such district on the list.")
    residents = session.scalar(select(func.count()).where(Resident.district == known))
    streets = session.scalar(select(func.count()).where(StreetDistrict.district == known))
    if residents or streets:
        raise Problem(409, f"Osiedle {known} ma mieszkańców ({residents}) lub ulice w rejestrze ({streets}).",
                      f"District {known} has residents ({residents}) or streets in the register ({streets}).")
    session.execute(delete(District).where(District.name == known))
    audit.record(session, actor=actor, action="districts.removed", target="districts", reason=reason,
                 removed=known)
    return names(session)
