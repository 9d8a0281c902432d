"""Load-test settings from the environment, shared by every scenario.

    GLOS_HOST              the gateway to load (default: the test profile's gateway)
    GLOS_USERS             simulated users (locust -u overrides)
    GLOS_OFFICIAL_EMAIL / GLOS_OFFICIAL_PASSWORD   an official's account (to create the smoke edition)
    GLOS_RESIDENT_EMAIL / GLOS_RESIDENT_PASSWORD   a resident's account
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadConfig:
    host: str = os.environ.get("GLOS_HOST", "http://127.0.0.1:8180")
    users: int = int(os.environ.get("GLOS_USERS", "10"))
    official_email: str = os.environ.get("GLOS_OFFICIAL_EMAIL", "urzednik@glos.local")
    official_password: str = os.environ.get("GLOS_OFFICIAL_PASSWORD", "urzednik-demo-haslo")
    resident_email: str = os.environ.get("GLOS_RESIDENT_EMAIL", "mieszkaniec@glos.local")
    resident_password: str = os.environ.get("GLOS_RESIDENT_PASSWORD", "mieszkaniec-demo-haslo")


CONFIG = LoadConfig()
