from pydantic import Field, SecretStr

from glos_chassis.config import ServiceSettings


class ConsultationSettings(ServiceSettings):
    service_name: str = "consultation-svc"
    database_url: SecretStr = Field(validation_alias="CONSULTATION_DATABASE_URL")
