"""Paper support lists (listy poparcia).

A proposal needs a number of residents' signatures. Online, residents support it in proposals-svc with
their account. On paper, an official types in each line of the sheet: first name, last name, PESEL.
identity-svc checks every line (a valid PESEL, the person a resident — on the census register or with a
residency declaration —, not twice on the same proposal's list), keeps the accepted lines encrypted like
every PESEL here, and announces only pseudonymous references in `support.list_entered`:

- `account:<id>` when the signatory has a resident account, so that a person who supported online and
  also signed on paper counts once;
- otherwise `person:<keyed hash of the proposal and the PESEL>`, which cannot be linked across proposals
  or to the voter key.

A bad line is not bad input: paper lists carry mistakes, the office wants the valid signatures counted
and the others listed with the reason, line by line.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import audit, events
from .census import census_district
from .models import Resident, SupportSignature
from .personal_data import Vault, parse_pesel


def enter(session: Session, vault: Vault, *, edition_id: uuid.UUID, proposal_id: uuid.UUID, sheet: str,
          entries: list[dict], actor: str) -> dict:
    accepted_refs: list[str] = []
    rejected: list[dict] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries):
        field = f"entries.{number}.pesel"
        try:
            pesel = parse_pesel(entry["pesel"], field).number
        except Problem as problem:
            rejected.append({"line": number + 1, **problem.errors[0]})
            continue
        digest = vault.pesel_hash(pesel)
        reason = None
        if digest in seen or session.scalar(select(SupportSignature.id).where(
                SupportSignature.proposal_id == proposal_id, SupportSignature.pesel_hash == digest)) is not None:
            reason = ("Ta osoba już poparła ten wniosek.", "This person already supports this proposal.")
        resident_account = session.scalar(select(Resident.account_id).where(Resident.pesel_hash == digest))
        if reason is None and resident_account is None and census_district(session, digest) is None:
            reason = ("Osoby nie ma w rejestrze mieszkańców ani wśród zweryfikowanych kont.",
                      "The person is neither on the residents' register nor a verified account.")
        if reason is not None:
            rejected.append({"line": number + 1, "location": "json", "field": field, "message": reason[0],
                             "message_en": reason[1]})
            continue
        seen.add(digest)
        ref = (f"account:{resident_account}" if resident_account is not None
               else f"person:{vault.pesel_hash(f'support:{proposal_id}:{pesel}')}")
        session.add(SupportSignature(
            edition_id=edition_id, proposal_id=proposal_id, pesel_hash=digest, pesel_encrypted=vault.encrypt(pesel),
            first_name_encrypted=vault.encrypt(entry["first_name"]), last_name_encrypted=vault.encrypt(entry["last_name"]),
            sheet=sheet, supporter_ref=ref, entered_by=actor))
        accepted_refs.append(ref)
    audit.record(session, actor=actor, action="support_list.entered", target=str(proposal_id),
                 reason=f"arkusz {sheet}", accepted=len(accepted_refs), rejected=len(rejected))
    if accepted_refs:
        events.publish(session, "support.list_entered", str(proposal_id), {
            "edition_id": str(edition_id), "proposal_id": str(proposal_id), "supporters": accepted_refs,
            "entered_by": actor})
    return {"proposal_id": proposal_id, "sheet": sheet, "accepted": len(accepted_refs), "rejected": rejected}
