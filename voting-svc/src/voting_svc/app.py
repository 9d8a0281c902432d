"""The voting-svc web app: the service chassis with the vote path's own connections and the API."""

from __future__ import annotations

import os

from glos_chassis.audit import audit_blueprint
from glos_chassis.config import load_settings
from glos_chassis.web import create_service_app

from .config import VotingSettings
from .models import AuditEntry
from .views import blp
from .voting import Claims


def create_app(settings: VotingSettings | None = None):
    settings = settings or load_settings(VotingSettings)
    app, api = create_service_app(settings, title="Glos voting-svc", description=(
        "Głosowanie, liczenie głosów, wyniki / Voting, tally, results"), needs_redis=False)
    # the vote path's own connections: the web process's threads each hold at most one at a time
    app.extensions["voting.claims"] = Claims(settings.database_url.get_secret_value(),
                                             pool_size=int(os.environ.get("WEB_THREADS", "12")) + 2)  # gunicorn.conf.py
    api.register_blueprint(blp)
    api.register_blueprint(audit_blueprint(AuditEntry, service="voting"))  # the office's audit viewer reads it
    return app
