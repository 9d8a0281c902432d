from pydantic import Field, SecretStr

from glos_chassis.config import ServiceSettings


class ProposalsSettings(ServiceSettings):
    service_name: str = "proposals-svc"
    max_request_bytes: int = 64 * 1024 * 1024  # Pabulib imports; the gateway allows this size there only
    database_url: SecretStr = Field(validation_alias="PROPOSALS_DATABASE_URL")
