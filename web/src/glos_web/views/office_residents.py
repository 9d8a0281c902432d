"""The verification desk (punkt weryfikacji) in the office console: a resident who cannot be confirmed online
comes to the office with a document. The official types the account identifier the resident reads off their
"Moje konto" page and which document they saw; identity-svc raises the resident's verification to `in_person`
and audits who did it and why. A foreigner without a PESEL is verified from their passport or residence card:
identity-svc derives a stable identifier from the document, so the same person cannot be verified twice under
two accounts.

Names, birth dates, addresses and document numbers typed here go to identity-svc only: this site neither keeps
nor logs them, and never types them back into the form after a refusal (the official asks again)."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..api import ApiError
from ..clients import identity_api
from .common import form_errors, role_required, token

bp = Blueprint("office_residents", __name__, url_prefix="/urzad/mieszkancy")

desk_required = role_required("pb_official", "coordinator")

DOCUMENTS = {"id_card": _l("dowód osobisty"), "passport": _l("paszport"), "residence_card": _l("karta pobytu"),
             "other": _l("inny dokument ze zdjęciem")}
# what the foreigner form may show again after a refusal: nothing that identifies the person
FOREIGNER_KEPT = ("foreigner_account_id", "country", "document_type", "district", "foreigner_reason")
FOREIGNER_PERSONAL = ("document_number", "first_name", "last_name", "birth_date", "address")


class NotAnAccountId(ValueError):
    pass


def _account_path(typed: str) -> str:
    """The account as identity-svc's URL takes it. The official types what the person can say: their e-mail, their
    PESEL (looked up by identity-svc, in the request body — never a URL or a log here) or the identifier from
    "Moje konto"; anything else is refused here, by its field."""
    typed = typed.strip()
    try:
        return str(uuid.UUID(typed))
    except ValueError:
        pass
    if "@" in typed or (typed.isdigit() and len(typed) == 11):
        found = identity_api.find_resident(token=token(),
                                           json={"email": typed} if "@" in typed else {"pesel": typed})
        return found["account_id"]
    raise NotAnAccountId(_("Podaj e-mail konta mieszkańca, jego PESEL albo identyfikator z „Moje konto”."))


@bp.route("/", methods=["GET", "POST"])
@desk_required
def desk():
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "foreigner":
                values = {name: request.form.get(name, "").strip() for name in FOREIGNER_KEPT}
                body = {name: request.form.get(name, "").strip() for name in FOREIGNER_PERSONAL}
                body.update(country=values["country"], document_type=values["document_type"],
                            district=values["district"], reason=request.form.get("foreigner_reason", "").strip())
                resident = identity_api.verify_foreign_resident(_account_path(values["foreigner_account_id"]),
                                                                token=token(), json=body)
            else:
                values = {name: request.form.get(name, "").strip() for name in ("account_id", "document", "reason")}
                resident = identity_api.verify_in_person(_account_path(values["account_id"]), token=token(),
                                                         json={"document": values["document"], "reason": values["reason"]})
            if action == "foreigner":  # no PESEL to show: identity-svc keys them by a synthetic identifier
                flash(_("Cudzoziemiec zweryfikowany na podstawie dokumentu (osiedle %(district)s).",
                        district=resident["district"]), "success")
            else:
                flash(_("Mieszkaniec zweryfikowany osobiście (osiedle %(district)s, PESEL %(pesel)s).",
                        district=resident["district"], pesel=resident["pesel_masked"]), "success")
            return redirect(url_for("office_residents.desk"))
        except NotAnAccountId as exc:
            errors, status = {"foreigner_account_id" if action == "foreigner" else "account_id": str(exc)}, 422
        except ApiError as exc:
            errors, status = form_errors(exc)
            account_field = "foreigner_account_id" if action == "foreigner" else "account_id"
            if exc.status == 404:  # no such account (by id, e-mail or PESEL), or no residency declared on it
                errors = {account_field: exc.message()}
            elif "pesel" in errors or "email" in errors:  # the lookup's refusal is about what was typed there
                errors = {account_field: errors.get("pesel") or errors.get("email")}
            elif action == "foreigner" and "reason" in errors:
                errors["foreigner_reason"] = errors.pop("reason")
    for field in ("account_id", "foreigner_account_id"):  # a PESEL typed to find someone is never shown again
        if values.get(field, "").isdigit():
            values[field] = ""
    districts = identity_api.districts(cache_s=60)["districts"]
    return render_template("office/residents.html", values=values, errors=errors, documents=DOCUMENTS,
                           district_options=[(name, name) for name in districts]), status
