"""glos-web: the site residents, officials and moderators use (DESIGN §5).

Server-rendered Flask; a client of the four services' public APIs that owns no domain data. Its only state
is the session in Redis. Every page works without JavaScript; the scripts in web/static only enhance.
"""

from __future__ import annotations

import logging
import time
import uuid

import redis
from flask import Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import Babel
from flask_session import Session
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import auth, i18n
from .api import Api, ApiError, LoginEnded, ServiceUnavailable
from .config import WebSettings

log = logging.getLogger("glos_web")


# Pages that take more than the site's 6 MB (attachments are 5 MB): a city's census comes in one file of up to
# 60 MB (the gateway lets 64 MB through for this page alone). The limit is the file's plus 1 MB of form.
LARGE_UPLOADS = {"office.registers": 61 * 1024 * 1024}


def content_security_policy(settings: WebSettings) -> str:
    """Nothing from outside the platform's origin: no inline script or style, no third-party hosts. A map
    tile server, when the city configures one, is the only other origin, and only for images."""
    images = "'self' data:"
    if settings.map_tile_url:
        from urllib.parse import urlsplit

        parts = urlsplit(settings.map_tile_url.replace("{s}", "a"))
        images += f" {parts.scheme}://{parts.netloc.split('{')[0]}" if parts.netloc else ""
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src " + images + "; "
            "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
            "object-src 'none'")


def create_app(settings: WebSettings | None = None) -> Flask:
    settings = settings or WebSettings.from_env()
    logging.basicConfig(level=logging.INFO, format='{"time":"%(asctime)s","level":"%(levelname)s",'
                                                   '"logger":"%(name)s","message":"%(message)s"}')
    app = Flask("glos_web")
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    redis_client = redis.Redis.from_url(settings.redis_url, socket_timeout=2)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_TYPE="redis",
        SESSION_REDIS=redis_client,
        SESSION_KEY_PREFIX="glos:web:session:",
        SESSION_PERMANENT=True,
        # written back to Redis only when a page changed it (a login, a ballot being filled in), not on every view
        SESSION_REFRESH_EACH_REQUEST=False,
        # the session's own record; a login inside it ends sooner (auth: idle and absolute limits)
        PERMANENT_SESSION_LIFETIME=max(settings.resident_max_s, settings.staff_max_s),
        # Behind HTTPS the __Host- prefix: the browser takes the cookie only if Secure, for the whole site and
        # from this very host (no Domain), so a sibling subdomain cannot plant or overwrite it.
        SESSION_COOKIE_NAME="__Host-glos_session" if settings.secure_cookies else "glos_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        BABEL_DEFAULT_LOCALE="pl",
        BABEL_DEFAULT_TIMEZONE="Europe/Warsaw",
        MAX_CONTENT_LENGTH=6 * 1024 * 1024,  # attachments: 5 MB each, checked again by proposals-svc
    )
    app.extensions["glos_web.settings"] = settings
    app.extensions["glos_web.redis"] = redis_client
    # the clock of a login's idle and absolute limits: a test moves it instead of sleeping through them
    app.extensions["glos_web.clock"] = time.time
    app.extensions["glos_web.api"] = Api({"identity": settings.identity_url, "proposals": settings.proposals_url,
                                          "voting": settings.voting_url, "consultation": settings.consultation_url},
                                         settings.api_timeout_s)
    Session(app)

    # registered before CSRFProtect, whose check reads the form: a larger body is allowed only where named
    @app.before_request
    def _upload_limit():
        if request.endpoint in LARGE_UPLOADS:
            request.max_content_length = LARGE_UPLOADS[request.endpoint]

    CSRFProtect(app)
    Babel(app, locale_selector=i18n.language)
    csp = content_security_policy(settings)

    from .views import (account, ballot, consultation_staff, consultations, editions, office, office_decisions,
                        office_editions, office_implementation, office_queues, office_residents, proposals, site)

    for module in (site, account, editions, proposals, ballot, consultations, consultation_staff, office,
                   office_editions, office_queues, office_decisions, office_implementation, office_residents):
        app.register_blueprint(module.bp)

    @app.before_request
    def _request_id():
        g.request_id = (request.headers.get("X-Request-Id") or uuid.uuid4().hex)[:64]

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if request.endpoint not in ("static",):
            # pages carry personal answers (my ballot, my data): never stored by a shared cache
            response.headers.setdefault("Cache-Control", "no-store")
        response.vary.add("Cookie")
        return response

    @app.context_processor
    def _globals():
        return {"current_user": auth.current_user(), "language": i18n.language(), "money": i18n.money, "money_gr": i18n.money_gr,
                "number": i18n.number, "percent": i18n.percent, "when": i18n.when, "day": i18n.day,
                "seconds_until": i18n.seconds_until, "time_left": i18n.time_left,
                "idle_limit_s": auth.idle_limit_s(),
                "languages": i18n.LANGUAGE_NAMES, "settings": settings}

    @app.errorhandler(ServiceUnavailable)
    def _unavailable(exc):
        log.warning("service unavailable: %s", exc)
        return render_template("errors/unavailable.html"), 503

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        status = exc.status if exc.status in (401, 403, 404, 409, 410, 429) else 400
        return render_template("errors/api.html", error=exc, status=status), status

    @app.errorhandler(LoginEnded)
    def _login_ended(exc: LoginEnded):
        # identity-svc ended the login (a password reset, the account deleted, a logout in another place):
        # the site's login ends now, not when its copy of the token would have expired
        auth.forget_login()
        flash(_("Twoja sesja została zakończona (np. po zmianie hasła). Zaloguj się ponownie."), "info")
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("account.login", next=target))

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(403)
    def _forbidden(exc):
        return render_template("errors/forbidden.html"), 403

    @app.errorhandler(404)
    def _not_found(exc):
        return render_template("errors/not_found.html"), 404

    @app.errorhandler(413)
    def _too_large(exc):
        limit = LARGE_UPLOADS.get(request.endpoint, app.config["MAX_CONTENT_LENGTH"]) // (1024 * 1024) - 1
        return render_template("errors/too_large.html", limit_mb=limit), 413

    @app.get("/alive")
    def alive():
        return {"status": "alive", "service": "web"}

    @app.get("/ready")
    def ready():
        checks = {}
        try:
            redis_client.ping()
            checks["redis"] = "ok"
        except redis.RedisError:
            checks["redis"] = "unavailable"
        ok = all(v == "ok" for v in checks.values())
        return {"status": "ready" if ok else "not ready", "service": "web", "checks": checks}, (200 if ok else 503)

    return app
