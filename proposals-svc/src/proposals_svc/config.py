from pydantic import Field, SecretStr

from glos_chassis.config import ServiceSettings


class ProposalsSettings(ServiceSettings):
    service_name: str = "proposals-svc"
    database_url: SecretStr = Field(validation_alias="PROPOSALS_DATABASE_URL")
