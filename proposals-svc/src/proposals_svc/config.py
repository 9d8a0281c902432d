from pydantic import Field, SecretStr

from glos_chassis.config import ServiceSettings


class ProposalsSettings(ServiceSettings):
    service_name: str = "proposals-svc"
    # Pabulib files carry every ballot: this one endpoint takes larger bodies (the gateway agrees)
    pabulib_max_bytes: int = 64 * 1024 * 1024
    database_url: SecretStr = Field(validation_alias="PROPOSALS_DATABASE_URL")
