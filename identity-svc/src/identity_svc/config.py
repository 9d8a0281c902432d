from pydantic import Field, SecretStr

from glos_chassis.config import ServiceSettings


class IdentitySettings(ServiceSettings):
    service_name: str = "identity-svc"
    database_url: SecretStr = Field(validation_alias="IDENTITY_DATABASE_URL")
    # Encrypts the signing keys' private halves at rest in the database.
    key_passphrase: SecretStr = Field(validation_alias="IDENTITY_KEY_PASSPHRASE")
    access_token_ttl_s: int = Field(default=900, validation_alias="ACCESS_TOKEN_TTL_S")
