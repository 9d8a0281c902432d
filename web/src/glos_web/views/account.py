"""The account: register → confirmation e-mail → log in → residency declaration → my data; password reset.

identity-svc keeps every rule (the password policy, the lockout, no account enumeration); these pages show
its answers next to the fields they concern and keep what the person typed.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from .. import auth
from ..api import ApiError
from ..clients import identity_api
from .common import safe_next, token

bp = Blueprint("account", __name__, url_prefix="/konto")


def _form(*names: str) -> dict[str, str]:
    return {name: request.form.get(name, "").strip() for name in names}


@bp.route("/rejestracja", methods=["GET", "POST"])
def register():
    values, errors = {}, {}
    if request.method == "POST":
        values = _form("display_name", "email")
        password = request.form.get("password", "")
        if not values["display_name"]:
            errors["display_name"] = _("Podaj imię lub nazwę, którą zobaczą urzędnicy.")
        if not values["email"]:
            errors["email"] = _("Podaj adres e-mail.")
        if not password:
            errors["password"] = _("Podaj hasło.")
        if not errors:
            try:
                identity_api.register(json={**values, "password": password})
                return render_template("account/check_email.html", email=values["email"])
            except ApiError as exc:
                errors = exc.field_errors() or {"_form": exc.message()}
    return render_template("account/register.html", values=values, errors=errors), (422 if errors else 200)


@bp.get("/potwierdz")
def confirm():
    try:
        identity_api.confirm_registration(params={"token": request.args.get("token", "")})
    except ApiError as exc:
        return render_template("account/confirm_failed.html", error=exc), exc.status
    flash(_("Adres e-mail potwierdzony. Możesz się zalogować."), "success")
    return redirect(url_for("account.login"))


@bp.route("/logowanie", methods=["GET", "POST"])
def login():
    values, errors = {}, {}
    target = safe_next(request.values.get("next"), url_for("account.me"))
    if request.method == "POST":
        values = _form("email")
        password = request.form.get("password", "")
        if not values["email"]:
            errors["email"] = _("Podaj adres e-mail.")
        if not password:
            errors["password"] = _("Podaj hasło.")
        if not errors:
            try:
                auth.log_in(values["email"], password)
                return redirect(target)
            except ApiError as exc:
                errors = {"_form": exc.message()} if exc.status != 422 else exc.field_errors()
    return render_template("account/login.html", values=values, errors=errors, next=target), \
        (422 if errors else 200)


@bp.post("/wyloguj")
def logout():
    auth.log_out()
    flash(_("Wylogowano."), "success")
    return redirect(url_for("site.home"))


@bp.route("/nie-pamietam-hasla", methods=["GET", "POST"])
def forgot_password():
    values, errors = {}, {}
    if request.method == "POST":
        values = _form("email")
        if not values["email"]:
            errors["email"] = _("Podaj adres e-mail.")
        else:
            try:
                identity_api.request_password_reset(json=values)
                return render_template("account/check_email.html", email=values["email"], reset=True)
            except ApiError as exc:
                errors = exc.field_errors() or {"_form": exc.message()}
    return render_template("account/forgot.html", values=values, errors=errors), (422 if errors else 200)


@bp.route("/nowe-haslo", methods=["GET", "POST"])
def reset_password():
    reset_token = request.values.get("token", "")
    errors = {}
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("password_again", ""):
            errors["password_again"] = _("Hasła się różnią.")
        else:
            try:
                changed = identity_api.reset_password(json={"token": reset_token, "password": password})
                # identity-svc revoked every login of the account; the site's own ones end with them, in every
                # browser (someone who knew the old password is out now, not when their token expires)
                auth.end_logins_of(changed["account_id"])
                auth.forget_login()
                flash(_("Hasło zmienione. Zaloguj się nowym hasłem."), "success")
                return redirect(url_for("account.login"))
            except ApiError as exc:
                errors = exc.field_errors() or {"_form": exc.message()}
                if "token" in errors:  # the link itself is bad or expired: not a field the person can fix
                    errors = {"_form": errors["token"]}
    return render_template("account/reset.html", token=reset_token, errors=errors), (422 if errors else 200)


def _city_districts() -> dict:
    """The city's districts, from identity-svc: the only names a district can take (never free text)."""
    return identity_api.districts(cache_s=60)


def _render_account(resident: dict | None, values: dict, errors: dict, status: int = 200):
    city = _city_districts()
    notifications = identity_api.my_notifications(token=token())
    return render_template("account/me.html", resident=resident, values=values, errors=errors, city=city,
                           district_options=[(name, name) for name in city["districts"]],
                           notifications=notifications), status


def _my_residency() -> dict | None:
    try:
        return identity_api.my_resident_record(token=token())
    except ApiError as exc:
        if exc.status != 404:
            raise
        return None


@bp.route("/", methods=["GET"])
@auth.login_required
def me():
    resident = _my_residency()
    values = {"address": resident["address"], "district": resident["district"]} if resident else {}
    return _render_account(resident, values, {})


@bp.post("/zamieszkanie")
@auth.login_required
def declare_residency():
    values = _form("first_name", "last_name", "pesel", "address", "district")
    body = {k: v for k, v in values.items() if v or k != "district"}
    try:
        identity_api.claim_residency(token=token(), json=body)
        session.pop("residency", None)
        auth.renew_session(keep=None)  # a change of rights (now a resident who may vote): a new session id
    except ApiError as exc:
        errors = exc.field_errors() or {"_form": exc.message()}
        return _render_account(None, values, errors, 422)
    flash(_("Dziękujemy. Twoje zamieszkanie zostało potwierdzone."), "success")
    return redirect(url_for("account.me"))


@bp.post("/zamieszkanie/poprawka")
@auth.login_required
def correct_residency():
    """A typo in the address or the wrong district, corrected until the person has voted (identity-svc says
    when not, and audits the change)."""
    values = _form("address", "district")
    body = {k: v for k, v in values.items() if v or k != "district"}
    try:
        resident = identity_api.change_my_resident_record(token=token(), json=body)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        errors = exc.field_errors() or {"_form": exc.message()}
        return _render_account(_my_residency(), {**values, "correcting": True}, errors, exc.status)
    session.pop("residency", None)  # the ballot pages read the district again
    flash(_("Zapisano: osiedle %(district)s.", district=resident["district"]), "success")
    return redirect(url_for("account.me"))


@bp.post("/powiadomienia")
@auth.login_required
def notifications():
    """Mail about one's proposals and consultations, on or off (account mail always goes out)."""
    subscribed = request.form.get("subscribed") == "yes"
    identity_api.set_my_notifications(token=token(), json={"subscribed": subscribed})
    flash(_("Powiadomienia e-mail włączone.") if subscribed else _("Powiadomienia e-mail wyłączone."), "success")
    return redirect(url_for("account.me") + "#notifications-heading")


@bp.route("/powiadomienia/wypisz/<string:unsubscribe_token>", methods=["GET", "POST"])
def unsubscribe(unsubscribe_token):
    """The link in every notification: a page with one button (a GET changes nothing, so that mail scanners
    following links unsubscribe no one); no login needed — the signed link says whose mail it is."""
    done = False
    if request.method == "POST":
        try:
            identity_api.unsubscribe(unsubscribe_token)
        except ApiError as exc:
            if exc.status != 404:
                raise
            return render_template("account/unsubscribe.html", done=False, invalid=True), 404
        done = True
    return render_template("account/unsubscribe.html", done=done, invalid=False)


@bp.route("/sesja", methods=["GET", "POST"])
def keep_alive():
    """The idle warning's two questions: GET — how long is left (not activity: an unattended page asking must not
    keep its login alive); POST — "I am still here" (activity: auth writes it back). 401 once the login ended."""
    if request.method == "POST" and auth.current_user() is None:
        return Response(status=401, headers={"Cache-Control": "no-store"})
    left = auth.seconds_left()
    if left is None or left <= 0:
        return Response(status=401, headers={"Cache-Control": "no-store"})
    return Response(json.dumps({"seconds_left": left}), mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


@bp.get("/moje-dane.json")
@auth.login_required
def my_data():
    response = identity_api.my_data(token=token(), raw=True)
    return Response(response.content, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="glos-moje-dane.json"', "Cache-Control": "no-store"})


@bp.route("/usun", methods=["GET", "POST"])
@auth.login_required
def delete():
    errors = {}
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            errors["confirm"] = _("Zaznacz, że rozumiesz skutki usunięcia konta.")
        else:
            try:
                account_id = auth.current_user().account_id
                identity_api.delete_my_account(token=token(),
                                               json={"password": request.form.get("password", "")})
                auth.end_logins_of(account_id)  # every browser's login of the account, not only this one
                auth.forget_login()
                flash(_("Konto usunięte. Twoje dane osobowe zostały usunięte."), "success")
                return redirect(url_for("site.home"))
            except ApiError as exc:
                errors = {"password": exc.message()} if exc.status in (401, 403) else \
                    (exc.field_errors() or {"_form": exc.message()})
    return render_template("account/delete.html", errors=errors), (422 if errors else 200)
