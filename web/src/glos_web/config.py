"""The web front end's settings, from the environment. A missing required setting fails at start."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"glos-web: the environment variable {name} is not set")
    return value


def _secure_cookies(public_url: str) -> bool:
    """Secure cookies whenever the site is served over HTTPS; WEB_SECURE_COOKIES=1/0 overrides (a TLS proxy in
    front of a stack whose public address is still being set up)."""
    explicit = os.environ.get("WEB_SECURE_COOKIES")
    if explicit in ("0", "1"):
        return explicit == "1"
    return public_url.lower().startswith("https://")


@dataclass(frozen=True)
class WebSettings:
    secret_key: str
    redis_url: str
    # The services' own addresses (inside the cluster), not the public gateway: the gateway's per-address
    # rate limits would otherwise count every resident behind this one process as a single client.
    identity_url: str
    proposals_url: str
    voting_url: str
    consultation_url: str
    public_url: str
    # Behind TLS (a public address starting https://) the session cookie is Secure and named with the __Host-
    # prefix; the local stack speaks plain HTTP on loopback and keeps a plain name.
    secure_cookies: bool = False
    # How long a login lasts: without activity (idle) and at most (absolute, however active). Staff sign in at
    # shared computers — a paper-ballot point, an office — so theirs end sooner.
    resident_idle_s: int = 60 * 60
    resident_max_s: int = 12 * 3600
    staff_idle_s: int = 15 * 60
    staff_max_s: int = 8 * 3600
    # A map tile server (for example a city's own), with its attribution; none by default, and none in tests:
    # the map then shows the markers and the district outlines only, and nothing leaves the platform's origin.
    map_tile_url: str = ""
    map_tile_attribution: str = ""
    api_timeout_s: float = 10.0
    # The city's mail server, for the copy of a receipt a voter asks for (the only mail the site sends itself).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    mail_from: str = "Glos <noreply@glos.local>"
    languages: tuple[str, ...] = field(default=("pl", "en"))

    @classmethod
    def from_env(cls) -> "WebSettings":
        return cls(
            secret_key=_required("WEB_SECRET_KEY"),
            redis_url=_required("REDIS_URL"),
            identity_url=_required("IDENTITY_API_URL").rstrip("/"),
            proposals_url=_required("PROPOSALS_API_URL").rstrip("/"),
            voting_url=_required("VOTING_API_URL").rstrip("/"),
            consultation_url=_required("CONSULTATION_API_URL").rstrip("/"),
            public_url=_required("PUBLIC_URL").rstrip("/"),
            secure_cookies=_secure_cookies(_required("PUBLIC_URL")),
            resident_idle_s=int(os.environ.get("WEB_RESIDENT_IDLE_S", 60 * 60)),
            resident_max_s=int(os.environ.get("WEB_RESIDENT_MAX_S", 12 * 3600)),
            staff_idle_s=int(os.environ.get("WEB_STAFF_IDLE_S", 15 * 60)),
            staff_max_s=int(os.environ.get("WEB_STAFF_MAX_S", 8 * 3600)),
            map_tile_url=os.environ.get("MAP_TILE_URL", ""),
            map_tile_attribution=os.environ.get("MAP_TILE_ATTRIBUTION", ""),
            api_timeout_s=float(os.environ.get("WEB_API_TIMEOUT_S", "10")),
            smtp_host=os.environ.get("SMTP_HOST", "127.0.0.1"),
            smtp_port=int(os.environ.get("SMTP_PORT", "25")),
            mail_from=os.environ.get("MAIL_FROM", "Glos <noreply@glos.local>"),
        )
