"""identity-svc: accounts and logins, residents and their verification, staff roles, the census register, voting
credentials and e-mail notifications. Its requests as functions (the package says how they are called)."""

from __future__ import annotations

from ._service import Service, segment

_service = Service("identity")


def give_role(account_id, **options):
    return _service.send("POST", f"/accounts/{segment(account_id)}/roles", **options)


def take_role(account_id, role, **options):
    return _service.send("DELETE", f"/accounts/{segment(account_id)}/roles/{segment(role)}", **options)


def audit(**options):
    return _service.get("/audit", **options)


def census_imports(**options):
    return _service.get("/census/imports", **options)


def import_census(**options):
    return _service.send("POST", "/census/imports", **options)


def census_import(import_id, **options):
    return _service.get(f"/census/imports/{segment(import_id)}", **options)


def census_population(**options):
    return _service.get("/census/population", **options)


def districts(**options):
    return _service.get("/districts", **options)


def take_credential(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/credential", **options)


def issue_credential_on_behalf(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/credential/on-behalf", **options)


def status_credential(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/credential/status", **options)


def log_out(**options):
    """The refresh token revoked (the access token it came with is given as `token`)."""
    return _service.send("POST", "/logout", **options)


def delete_my_account(**options):
    return _service.send("DELETE", "/me", **options)


def my_account(**options):
    return _service.get("/me/account", **options)


def my_data(**options):
    return _service.get("/me/data", **options)


def my_notifications(**options):
    return _service.get("/me/notifications", **options)


def set_my_notifications(**options):
    return _service.send("PUT", "/me/notifications", **options)


def change_my_resident_record(**options):
    return _service.send("PATCH", "/me/resident", **options)


def claim_residency(**options):
    return _service.send("POST", "/me/resident", **options)


def my_resident_record(**options):
    return _service.get("/me/resident", **options)


def unsubscribe(unsubscribe_token, **options):
    return _service.send("POST", f"/notifications/unsubscribe/{segment(unsubscribe_token)}", **options)


def request_password_reset(**options):
    return _service.send("POST", "/password-reset", **options)


def reset_password(**options):
    return _service.send("POST", "/password-reset/confirm", **options)


def register(**options):
    return _service.send("POST", "/register", **options)


def confirm_registration(**options):
    return _service.get("/register/confirm", **options)


def find_resident(**options):
    return _service.send("POST", "/residents/lookup", **options)


def verify_foreign_resident(account_id, **options):
    return _service.send("POST", f"/residents/{segment(account_id)}/foreigner-verification", **options)


def verify_in_person(account_id, **options):
    return _service.send("POST", f"/residents/{segment(account_id)}/in-person-verification", **options)


def staff(**options):
    return _service.get("/staff", **options)


def staff_names(**options):
    return _service.get("/staff/names", **options)


def replace_streets(**options):
    return _service.send("PUT", "/streets", **options)


def log_in(**options):
    """The person's access and refresh tokens for their e-mail and password."""
    return _service.send("POST", "/token", **options)


def refresh_tokens(**options):
    return _service.send("POST", "/token/refresh", **options)
