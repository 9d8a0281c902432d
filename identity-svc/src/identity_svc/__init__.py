"""identity-svc: the only service that knows who a person is."""

from __future__ import annotations

from glos_chassis.audit import audit_blueprint
from glos_chassis.config import load_settings
from glos_chassis.web import create_service_app

from .config import IdentitySettings
from .keys import ensure_signing_key
from . import sessions
from .models import AuditEntry
from .views import blp


def create_app(settings: IdentitySettings | None = None):
    settings = settings or load_settings(IdentitySettings)
    app, api = create_service_app(settings, title="Glos identity-svc", description=(
        "Konta, role, weryfikacja mieszkańców, klucze podpisu / Accounts, roles, resident verification, keys"))
    api.register_blueprint(blp)
    api.register_blueprint(audit_blueprint(AuditEntry, service="identity"))  # the office's audit viewer reads it
    app.extensions["glos.no_store_endpoints"].update({"identity.Token", "identity.TokenRefresh"})
    # a token whose login was revoked is refused here even if Redis lost the revocation list (personal data)
    app.extensions["glos.login_check"] = _login_check(app.extensions["glos.sessions"])
    ensure_signing_key(app.extensions["glos.sessions"], settings.key_passphrase.get_secret_value().encode())
    return app


def _login_check(db_sessions):
    def login_alive(claims: dict) -> bool:
        with db_sessions() as session:
            return sessions.login_alive(session, claims)
    return login_alive
