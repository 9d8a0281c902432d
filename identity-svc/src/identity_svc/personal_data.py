"""Personal data at rest: PESEL as a keyed hash for lookups and uniqueness, and encrypted copies (Fernet,
from `cryptography`) of what an official may need to see. The keys come from the environment."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from cryptography.fernet import Fernet
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.pl import pesel as stdnum_pesel

from glos_chassis.errors import Problem


@dataclass(frozen=True)
class Pesel:
    number: str
    birth_date: date
    sex: str  # "M" or "F", as python-stdnum derives it


def parse_pesel(raw: str, field: str = "pesel") -> Pesel:
    """A valid PESEL with its birth date and sex, or a 422 naming the field and what is wrong.

    python-stdnum checks the format, the century-encoded birth date (1800s to 2200s) and the checksum.
    """
    reasons = {
        InvalidFormat: ("PESEL składa się wyłącznie z cyfr.", "PESEL must contain digits only."),
        InvalidLength: ("PESEL ma 11 cyfr.", "PESEL has 11 digits."),
        InvalidComponent: ("PESEL zawiera niemożliwą datę urodzenia.", "PESEL encodes an impossible birth date."),
        InvalidChecksum: ("Cyfra kontrolna PESEL się nie zgadza.", "The PESEL check digit is wrong."),
    }
    try:
        number = stdnum_pesel.validate(raw)
    except tuple(reasons) as exc:
        pl, en = reasons[type(exc)]
        raise Problem(422, pl, en, type_="https://glos.pl/problems/validation",
                      errors=[{"location": "json", "field": field, "message": pl, "message_en": en}]) from None
    return Pesel(number, stdnum_pesel.get_birth_date(number), stdnum_pesel.get_gender(number))


class Vault:
    def __init__(self, hash_key: bytes, encryption_key: bytes):
        self._hash_key = hash_key
        self._fernet = Fernet(encryption_key)

    def pesel_hash(self, pesel: str) -> str:
        return hmac.new(self._hash_key, pesel.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()


def vault_from(settings) -> Vault:
    return Vault(settings.pesel_hash_key.get_secret_value().encode(),
                 settings.data_encryption_key.get_secret_value().encode())


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
