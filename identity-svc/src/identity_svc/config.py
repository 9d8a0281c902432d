from pydantic import Field, SecretStr

from glos_chassis.config import ServiceSettings


class IdentitySettings(ServiceSettings):
    service_name: str = "identity-svc"
    # census files: this one endpoint takes larger bodies (the gateway agrees)
    census_max_bytes: int = 64 * 1024 * 1024
    database_url: SecretStr = Field(validation_alias="IDENTITY_DATABASE_URL")
    # Encrypts the signing keys' private halves at rest in the database.
    key_passphrase: SecretStr = Field(validation_alias="IDENTITY_KEY_PASSPHRASE")
    access_token_ttl_s: int = Field(default=900, validation_alias="ACCESS_TOKEN_TTL_S")
    # Personal data at rest: PESEL is looked up by a keyed hash and shown from an encrypted copy.
    # Both keys live outside the database (environment or a secret store), never in Kafka or logs.
    pesel_hash_key: SecretStr = Field(validation_alias="IDENTITY_PESEL_HASH_KEY")
    data_encryption_key: SecretStr = Field(validation_alias="IDENTITY_DATA_ENCRYPTION_KEY")  # a Fernet key
    # Master secret from which each edition's voter-key secret is derived (HMAC(master, edition id)).
    voter_key_master_secret: SecretStr = Field(validation_alias="IDENTITY_VOTER_KEY_SECRET")
    refresh_token_ttl_s: int = Field(default=30 * 24 * 3600, validation_alias="REFRESH_TOKEN_TTL_S")
    # Brute-force protection: after `lockout_threshold` failures an account is locked for lockout_base_s,
    # doubling with each further failure up to lockout_max_s (short enough that an attacker cannot keep a
    # victim out for long); an address is locked after address_threshold failures.
    lockout_threshold: int = Field(default=5, validation_alias="IDENTITY_LOCKOUT_THRESHOLD")
    lockout_base_s: int = Field(default=30, validation_alias="IDENTITY_LOCKOUT_BASE_S")
    lockout_max_s: int = Field(default=900, validation_alias="IDENTITY_LOCKOUT_MAX_S")
    address_threshold: int = Field(default=50, validation_alias="IDENTITY_ADDRESS_THRESHOLD")
    # E-mail: confirmation links are signed with this secret and expire; mail goes out through SMTP.
    email_token_secret: SecretStr = Field(validation_alias="IDENTITY_EMAIL_TOKEN_SECRET")
    email_token_max_age_s: int = Field(default=48 * 3600, validation_alias="EMAIL_TOKEN_MAX_AGE_S")
    public_url: str = Field(validation_alias="PUBLIC_URL")
    smtp_host: str = Field(validation_alias="SMTP_HOST")
    smtp_port: int = Field(default=25, validation_alias="SMTP_PORT")
    mail_from: str = Field(default="Glos <noreply@glos.local>", validation_alias="MAIL_FROM")
    credential_ttl_s: int = Field(default=900, validation_alias="VOTER_CREDENTIAL_TTL_S")
    credential_audience: str = Field(default="glos-voting", validation_alias="VOTER_CREDENTIAL_AUDIENCE")
