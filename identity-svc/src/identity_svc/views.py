from flask import current_app, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from glos_chassis.db import session_scope
from glos_chassis.web import db_sessions

from . import service
from .keys import published_jwks
from .schemas import TokenRequestSchema, TokenResponseSchema

blp = Blueprint("identity", __name__, description="Konta i tokeny dostępu / Accounts and access tokens")


@blp.route("/.well-known/jwks.json")
class Jwks(MethodView):
    @blp.doc(summary="Klucze publiczne do weryfikacji tokenów (JWKS) / Public keys for token verification")
    def get(self):
        with session_scope(db_sessions()) as session:
            response = jsonify(published_jwks(session))
        response.headers["Cache-Control"] = "public, max-age=300"
        return response


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(TokenRequestSchema)
    @blp.response(200, TokenResponseSchema)
    @blp.doc(summary="Logowanie: token dostępu / Log in: access token")
    def post(self, body):
        settings = current_app.extensions["glos.settings"]
        with session_scope(db_sessions()) as session:
            account = service.authenticate(session, body["email"], body["password"])
            return service.issue_access_token(
                session, account, passphrase=settings.key_passphrase.get_secret_value().encode(),
                issuer=settings.token_issuer, audience=settings.token_audience, ttl_s=settings.access_token_ttl_s)
