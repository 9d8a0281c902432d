"""The OpenAPI document a service publishes says what it really answers.

flask-smorest documents every error as `application/json` with its own `Error` schema; our errors are
`application/problem+json` (errors.py). `ServiceApi` declares them as they are, once for every status, and
publishes the bearer-token security scheme. The auth decorators in auth.py mark the operations that need a
token (`security`, 401 and 403) through `document_token`, so a view never repeats what its decorator says.
"""

from __future__ import annotations

import http
from copy import deepcopy

import marshmallow as ma
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from .errors import PROBLEM_JSON

BEARER = "bearerAuth"


class FieldErrorSchema(ma.Schema):
    location = ma.fields.String(metadata={"description": "json, query, path, headers, form, files"})
    field = ma.fields.String(metadata={"description": "the field's path, dots between levels (items.0.cost)"})
    message = ma.fields.String(required=True)
    message_en = ma.fields.String()


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details; a problem may carry members of its own (RFC 9457 §3.2)."""

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String(required=True, metadata={"example": "https://glos.pl/problems/validation"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    instance = ma.fields.String()
    request_id = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema))


class ServiceApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        """One lazily registered response per status (`UNPROCESSABLE_ENTITY`, …) and the default error: all
        problem+json, as errors.py answers them."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Błąd (problem+json) / An error (problem+json)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)
        self.spec.components.security_scheme(BEARER, {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "Token dostępu z identity-svc (POST /api/identity/token) / An access token from "
                           "identity-svc; voting-svc's ballot takes the voter credential instead"})


def document_token(view, *, optional: bool = False):
    """Mark an operation as taking a bearer token: its `security`, and the 401 (and 403) it may answer.

    flask-smorest keeps an operation's documentation in `view._apidoc`, and `manual_doc` is merged last;
    the dict is copied so the wrapped function's own documentation stays as it was."""
    doc = deepcopy(getattr(view, "_apidoc", {}))
    manual = doc.setdefault("manual_doc", {})
    # an empty requirement first: the operation also answers without a token (showing less)
    manual["security"] = [{}, {BEARER: []}] if optional else [{BEARER: []}]
    responses = manual.setdefault("responses", {})
    responses.setdefault("401", "UNAUTHORIZED")
    if not optional:
        responses.setdefault("403", "FORBIDDEN")
    view._apidoc = doc
    return view


def optional_token(view):
    """For a public operation that shows more to a signed-in caller (their own draft): the token is optional,
    and a bad one is still a 401."""
    return document_token(view, optional=True)


def bearer_credential(view):
    """For an operation that takes a token other than a login (voting-svc's ballot takes the credential)."""
    return document_token(view)


def file_response(*content_types: str, description: str = "OK"):
    """Document a 200 that is a file, not JSON (CSV, Pabulib text, a ZIP, a PDF, HTML): its content types, so a
    client (and the conformance test) knows what comes back. The view returns a `Response` itself."""
    binary = {"type": "string", "format": "binary"}

    def decorator(view):
        doc = deepcopy(getattr(view, "_apidoc", {}))
        doc.setdefault("manual_doc", {}).setdefault("responses", {})["200"] = {
            "description": description,
            "content": {content_type: {"schema": binary} for content_type in content_types}}
        view._apidoc = doc
        return view

    return decorator


def file_body(*content_types: str, description: str):
    """Document a request whose body is a file (a CSV register, a Pabulib file, an attachment), which the view
    reads itself rather than through a schema."""
    binary = {"type": "string", "format": "binary"}

    def decorator(view):
        doc = deepcopy(getattr(view, "_apidoc", {}))
        doc.setdefault("manual_doc", {})["requestBody"] = {
            "required": True, "description": description,
            "content": {content_type: {"schema": binary} for content_type in content_types}}
        view._apidoc = doc
        return view

    return decorator
