"""consultation-svc: public consultations run by moderators."""

from __future__ import annotations

from glos_chassis.audit import audit_blueprint
from glos_chassis.config import load_settings
from glos_chassis.web import create_service_app

from .config import ConsultationSettings
from .models import AuditEntry
from .views import register


def create_app(settings: ConsultationSettings | None = None):
    settings = settings or load_settings(ConsultationSettings)
    app, api = create_service_app(settings, title="Glos consultation-svc", description=(
        "Konsultacje społeczne / Public consultations"))
    register(api)
    api.register_blueprint(audit_blueprint(AuditEntry, service="consultation"))  # the office's audit viewer reads it
    return app
