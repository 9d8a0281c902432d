"""consultation-svc: public consultations run by moderators."""

from __future__ import annotations

from glos_chassis.config import load_settings
from glos_chassis.web import create_service_app

from .config import ConsultationSettings
from .views import register


def create_app(settings: ConsultationSettings | None = None):
    settings = settings or load_settings(ConsultationSettings)
    app, api = create_service_app(settings, title="Glos consultation-svc", description=(
        "Konsultacje społeczne / Public consultations"))
    register(api)
    return app
