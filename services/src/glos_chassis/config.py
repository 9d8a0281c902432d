"""Settings from the environment.

Each service subclasses `ServiceSettings` and adds its own fields. A missing
required setting stops the process at start with the variable's name;
secrets are `SecretStr`, so they never show in a repr, a log line or an error.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigError(SystemExit):
    """Raised at start when the environment is incomplete; exits with a readable message."""


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = Field(description="Name used in logs, metrics and event sources")
    database_url: SecretStr
    redis_url: str
    kafka_bootstrap_servers: str
    identity_jwks_url: str
    token_issuer: str
    token_audience: str = "glos"
    log_level: str = "INFO"
    max_request_bytes: int = 1_048_576


def load_settings(cls: type[BaseSettings], **overrides) -> BaseSettings:
    """Build settings or exit naming every missing or invalid variable (values are never printed)."""
    try:
        return cls(**overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = "_".join(str(part) for part in err["loc"]).upper()
            problems.append(f"{name}: {err['msg']}")
        raise ConfigError(f"{cls.__name__}: invalid environment: " + "; ".join(problems)) from None
