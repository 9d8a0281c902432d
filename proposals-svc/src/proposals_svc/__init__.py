"""proposals-svc: PB editions from the call for proposals to implementation."""

from __future__ import annotations

from glos_chassis.audit import audit_blueprint
from glos_chassis.config import load_settings
from glos_chassis.web import create_service_app

from .config import ProposalsSettings
from .models import AuditEntry
from .views import register


def create_app(settings: ProposalsSettings | None = None):
    settings = settings or load_settings(ProposalsSettings)
    app, api = create_service_app(settings, title="Glos proposals-svc", description=(
        "Edycje BO, obszary, wnioski i ich weryfikacja / PB editions, areas, proposals, verification"))
    register(api)
    api.register_blueprint(audit_blueprint(AuditEntry, service="proposals"))  # the office's audit viewer reads it
    return app
