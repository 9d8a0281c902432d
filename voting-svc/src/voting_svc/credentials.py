"""Voter credentials from identity-svc, checked offline: signature against the cached JWKS (RS256 only),
audience `glos-voting`, issuer, expiry — then that it is a voter credential for this edition.

voting-svc never sees who the voter is: only the voter key (a per-edition pseudonym) and the facts the
edition's rules need.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from glos_chassis.auth import TokenVerifier
from glos_chassis.errors import Problem

CREDENTIAL_TYPE = "voter-credential"
# identity-svc's pass to ask whether a voter key has a ballot (GET …/votes/mine); never a credential to vote
STATUS_PASS_TYPE = "voter-status"
AUDIENCE = "glos-voting"


@dataclass(frozen=True)
class VoterCredential:
    voter_key: str
    edition_id: uuid.UUID
    district: str
    age: int
    verification_level: str
    channel: str
    token_id: str


def verify_credential(verifier: TokenVerifier, token: str, edition_id: uuid.UUID) -> VoterCredential:
    claims = verifier.verify(token, audience=AUDIENCE)
    if claims.get("typ") != CREDENTIAL_TYPE:
        raise Problem(401, "To nie jest poświadczenie do głosowania.", "This is not a voter credential.",
                      type_="https://glos.pl/problems/invalid-credential")
    if claims.get("edition_id") != str(edition_id):
        raise Problem(403, "Poświadczenie wydano dla innej edycji.", "The credential is for another edition.",
                      type_="https://glos.pl/problems/invalid-credential",
                      errors=[{"location": "credential", "field": "edition_id",
                               "message": "Inna edycja.", "message_en": "Another edition."}])
    try:
        return VoterCredential(voter_key=claims["sub"], edition_id=edition_id, district=claims["district"],
                               age=int(claims["age"]), verification_level=claims["verification_level"],
                               channel=claims.get("channel", "online"), token_id=claims["jti"])
    except (KeyError, ValueError, TypeError):
        raise Problem(401, "Poświadczenie jest niekompletne.", "The credential is incomplete.",
                      type_="https://glos.pl/problems/invalid-credential") from None


def voter_key_of_status_pass(verifier: TokenVerifier, token: str, edition_id: uuid.UUID) -> str:
    """The voter key a status pass (or a voter credential) speaks for, in this edition."""
    claims = verifier.verify(token, audience=AUDIENCE)
    if claims.get("typ") not in (STATUS_PASS_TYPE, CREDENTIAL_TYPE) or not claims.get("sub"):
        raise Problem(401, "To nie jest przepustka wyborcy.", "This is not a voter's pass.",
                      type_="https://glos.pl/problems/invalid-credential")
    if claims.get("edition_id") != str(edition_id):
        raise Problem(403, "Przepustkę wydano dla innej edycji.", "The pass is for another edition.",
                      type_="https://glos.pl/problems/invalid-credential")
    return claims["sub"]
