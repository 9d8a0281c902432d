from pydantic import Field, SecretStr

from glos_chassis.config import ServiceSettings


class VotingSettings(ServiceSettings):
    service_name: str = "voting-svc"
    database_url: SecretStr = Field(validation_alias="VOTING_DATABASE_URL")
