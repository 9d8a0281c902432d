"""The active signing key is decrypted once per process, not per login or credential (a few hundred ms of CPU
each — the vote rush's ceiling; identity-svc/benchmarks/signing_benchmark.py prints the figures). The cache can
never hand out another key: it is keyed by the kid (the key's own thumbprint) and the encrypted PEM."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from identity_svc import keys


def _pem(passphrase: bytes) -> str:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.BestAvailableEncryption(passphrase)).decode()


def test_a_key_is_decrypted_once_and_another_key_is_never_mistaken_for_it(monkeypatch):
    decrypted = []
    real = serialization.load_pem_private_key
    monkeypatch.setattr(keys.serialization, "load_pem_private_key",
                        lambda data, password: decrypted.append(data) or real(data, password=password))
    first, second = _pem(b"haslo"), _pem(b"haslo")
    a = keys._decrypted_key("kid-a", first, b"haslo")
    assert keys._decrypted_key("kid-a", first, b"haslo") is a and len(decrypted) == 1
    b = keys._decrypted_key("kid-b", second, b"haslo")
    assert b is not a and len(decrypted) == 2
    assert b.public_key().public_numbers() != a.public_key().public_numbers()
