"""identity-svc's HTTP endpoints: thin — parse, call one use case, answer."""

import uuid

from flask import current_app, jsonify, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from glos_chassis.auth import current_principal, require
from glos_chassis.db import session_scope
from glos_chassis.errors import Problem
from glos_chassis.openapi import file_body
from glos_chassis.web import db_sessions

from . import (addresses, audit, census, census_imports, credentials, districts, notifications, password_reset, privacy,
               registration, residents, roles, sessions, support_lists)
from .keys import published_jwks
from .models import Account, EditionEligibility, Resident, StreetDistrict
from .personal_data import vault_from
from .schemas import (AccountDeletionSchema, AccountSchema, CensusImportSchema, CensusQuerySchema,
                      CensusReportSchema, ConfirmationQuerySchema, CredentialRequestSchema, CredentialSchema,
                      DistrictAdditionSchema, DistrictListSchema, DistrictLookupQuerySchema, DistrictLookupSchema,
                      DeskLookupSchema, DeskPersonSchema, DistrictRemovalSchema, MyResidencySchema,
                      NotificationSettingsSchema, PopulationQuerySchema, PopulationSchema, ResidencyCorrectionSchema,
                      StaffNameSchema,
                      EligibilityRulesSchema, EligibilitySchema, ForeignerVerificationSchema,
                      InPersonVerificationSchema, JwksSchema,
                      LogoutRequestSchema, MyDataSchema, OnBehalfCredentialRequestSchema, PasswordChangedSchema,
                      PasswordResetRequestSchema, PasswordResetSchema, RefreshRequestSchema, RegistrationAcceptedSchema,
                      RegistrationSchema,
                      ResidencyDeclarationSchema, ResidentSchema, RoleGrantSchema, RoleRevokeSchema, RolesSchema,
                      StaffAccountSchema, StreetsReportSchema, SupportListReportSchema, SupportListSchema,
                      TokenRequestSchema, TokenResponseSchema)


blp = Blueprint("identity", __name__, description="Konta i tokeny dostępu / Accounts and access tokens")


@blp.route("/.well-known/jwks.json")
class Jwks(MethodView):
    @blp.response(200, JwksSchema)
    @blp.doc(summary="Klucze publiczne do weryfikacji tokenów (JWKS) / Public keys for token verification")
    def get(self):
        with session_scope(db_sessions()) as session:
            response = jsonify(published_jwks(session))
        response.headers["Cache-Control"] = "public, max-age=300"
        return response


def _throttle() -> sessions.Throttle:
    return sessions.Throttle(current_app.extensions["glos.redis"], current_app.extensions["glos.settings"])


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(TokenRequestSchema)
    @blp.response(200, TokenResponseSchema)
    @blp.doc(summary="Logowanie: token dostępu i token odświeżania / Log in: access and refresh tokens")
    def post(self, body):
        with session_scope(db_sessions()) as session:
            return sessions.login(session, _throttle(), current_app.extensions["glos.settings"],
                                  email=body["email"], password=body["password"], address=request.remote_addr or "-")


@blp.route("/register")
class Register(MethodView):
    @blp.arguments(RegistrationSchema)
    @blp.response(202, RegistrationAcceptedSchema)
    @blp.doc(summary="Rejestracja mieszkańca / Resident registration")
    def post(self, body):
        with session_scope(db_sessions()) as session:
            registration.register(session, current_app.extensions["glos.settings"], current_app.extensions["glos.redis"],
                                  address=request.remote_addr or "-", **body)
        # the same answer whether or not the address already had an account
        return {"status": "check_your_email",
                "detail": "Wysłaliśmy wiadomość z linkiem potwierdzającym. / We sent a confirmation link."}


@blp.route("/register/confirm")
class ConfirmEmail(MethodView):
    @blp.arguments(ConfirmationQuerySchema, location="query")
    @blp.response(200, RegistrationAcceptedSchema)
    @blp.doc(summary="Potwierdzenie adresu e-mail / E-mail confirmation")
    def get(self, query):
        with session_scope(db_sessions()) as session:
            registration.confirm(session, current_app.extensions["glos.settings"], query["token"])
        return {"status": "confirmed", "detail": "Adres potwierdzony, możesz się zalogować. / Confirmed, you can log in."}


@blp.route("/password-reset")
class PasswordResetRequest(MethodView):
    @blp.arguments(PasswordResetRequestSchema)
    @blp.response(202, RegistrationAcceptedSchema)
    @blp.doc(summary="Poproś o link do zmiany hasła / Ask for a password reset link")
    def post(self, body):
        with session_scope(db_sessions()) as session:
            password_reset.request_reset(session, current_app.extensions["glos.redis"],
                                         current_app.extensions["glos.settings"], email=body["email"],
                                         address=request.remote_addr or "-")
        # the same answer whether or not the address has an account
        return {"status": "check_your_email",
                "detail": "Jeśli to konto istnieje, wysłaliśmy link. / If the account exists, we sent a link."}


@blp.route("/password-reset/confirm")
class PasswordReset(MethodView):
    @blp.arguments(PasswordResetSchema)
    @blp.response(200, PasswordChangedSchema)
    @blp.doc(summary="Ustaw nowe hasło z linku / Set a new password from the link")
    def post(self, body):
        settings = current_app.extensions["glos.settings"]
        with session_scope(db_sessions()) as session:
            account = password_reset.confirm_reset(session, current_app.extensions["glos.redis"], _throttle(), settings,
                                                   token=body["token"], password=body["password"],
                                                   address=request.remote_addr or "-")
            account_id = account.id
        # the account whose logins ended, so that a client keeping its own sessions (the site) ends them too
        return {"status": "password_changed", "detail": "Hasło zmienione. / Password changed.",
                "account_id": account_id}


@blp.route("/token/refresh")
class TokenRefresh(MethodView):
    @blp.arguments(RefreshRequestSchema)
    @blp.response(200, TokenResponseSchema)
    @blp.doc(summary="Nowa para tokenów za token odświeżania / A new token pair for a refresh token")
    def post(self, body):
        # A reuse revokes the family; that must be committed even though the answer is 401.
        session = db_sessions()()
        try:
            result = sessions.refresh(session, current_app.extensions["glos.redis"],
                                      current_app.extensions["glos.settings"], body["refresh_token"])
            session.commit()
            return result
        except Problem:
            session.commit()
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


@blp.route("/logout")
class Logout(MethodView):
    @require()
    @blp.arguments(LogoutRequestSchema)
    @blp.response(204)
    @blp.doc(summary="Wylogowanie: unieważnia tokeny / Log out: revokes the tokens")
    def post(self, body):
        with session_scope(db_sessions()) as session:
            sessions.logout(session, current_app.extensions["glos.redis"], current_app.extensions["glos.settings"],
                            raw_refresh_token=body["refresh_token"], access_claims=current_principal().claims)


# --------------------------------------------------------------------------- residents and credentials



def _vault():
    return vault_from(current_app.extensions["glos.settings"])


def _resident_view(vault, resident) -> dict:
    return {"district": resident.district, "verification_level": resident.verification_level,
            "verification_method": resident.verification_method, "verified_at": resident.verified_at,
            "pesel_masked": residents.masked_pesel(vault, resident)}


def _voted(session):
    settings = current_app.extensions["glos.settings"]
    return residents.voted_in_an_edition_under_way(
        session, settings.voter_key_master_secret.get_secret_value().encode(), _vault())


def _my_residency_view(session, vault, resident) -> dict:
    locked = "confirmed_by_office" if resident.verification_level != "declared" else \
        "voted" if _voted(session)(resident) else None
    return {**_resident_view(vault, resident), "address": vault.decrypt(resident.address_encrypted),
            "district_correctable": locked is None, "district_locked_because": locked}


@blp.route("/me/resident")
class MyResidency(MethodView):
    @require()
    @blp.arguments(ResidencyDeclarationSchema)
    @blp.response(201, MyResidencySchema)
    @blp.doc(summary="Deklaracja zamieszkania z numerem PESEL / Residency declaration with PESEL")
    def post(self, body):
        vault = _vault()
        with session_scope(db_sessions()) as session:
            resident = residents.declare_residency(session, vault, uuid.UUID(current_principal().subject), **body,
                                                   voted=_voted(session))
            return _my_residency_view(session, vault, resident)

    @require()
    @blp.arguments(ResidencyCorrectionSchema)
    @blp.response(200, MyResidencySchema)
    @blp.doc(summary="Poprawa adresu i osiedla (do oddania głosu) / Correct address and district (until voting)")
    def patch(self, body):
        vault = _vault()
        with session_scope(db_sessions()) as session:
            resident = residents.correct_residency(session, vault, uuid.UUID(current_principal().subject), **body,
                                                   voted=_voted(session))
            return _my_residency_view(session, vault, resident)

    @require()
    @blp.response(200, MyResidencySchema)
    @blp.doc(summary="Mój status weryfikacji / My verification status")
    def get(self):
        vault = _vault()
        with session_scope(db_sessions()) as session:
            resident = session.get(Resident, uuid.UUID(current_principal().subject))
            if resident is None:
                raise Problem(404, "Nie złożono deklaracji zamieszkania.", "No residency declaration yet.")
            return _my_residency_view(session, vault, resident)


def _district_list(session) -> dict:
    """The city's districts, and whether the street register can find one from an address."""
    return {"districts": districts.names(session),
            "street_register": session.scalar(select(StreetDistrict.street).limit(1)) is not None}


@blp.route("/districts")
class Districts(MethodView):
    @blp.response(200, DistrictListSchema)
    @blp.doc(summary="Osiedla miasta / The city's districts")
    def get(self):
        with session_scope(db_sessions()) as session:
            return _district_list(session)

    @require(any_of=("pb_official", "admin"))
    @blp.arguments(DistrictAdditionSchema)
    @blp.response(200, DistrictListSchema)
    @blp.doc(summary="Dodanie osiedli do listy miasta / Add districts to the city's list")
    def post(self, body):
        with session_scope(db_sessions()) as session:
            districts.add(session, body["names"], actor=current_principal().subject, reason=body["reason"])
            return _district_list(session)


@blp.route("/districts/<string:name>")
class OneDistrict(MethodView):
    @require(any_of=("pb_official", "admin"))
    @blp.arguments(DistrictRemovalSchema, location="query")
    @blp.response(200, DistrictListSchema)
    @blp.doc(summary="Usunięcie osiedla z listy (bez mieszkańców i ulic) / Remove a district (none living there)")
    def delete(self, query, name):
        with session_scope(db_sessions()) as session:
            districts.remove(session, name, actor=current_principal().subject, reason=query["reason"])
            return _district_list(session)


@blp.route("/districts/for-address")
class DistrictForAddress(MethodView):
    @blp.arguments(DistrictLookupQuerySchema, location="query")
    @blp.response(200, DistrictLookupSchema)
    @blp.doc(summary="Osiedle dla adresu z rejestru ulic / The district of an address, from the street register")
    def get(self, query):
        with session_scope(db_sessions()) as session:
            return {"street": addresses.normalise(query["address"]),
                    "district": addresses.district_for(session, query["address"])}


@blp.route("/me/account")
class MyAccount(MethodView):
    @require()
    @blp.response(200, AccountSchema)
    @blp.doc(summary="Moje konto: adres, nazwa, role / My account: address, name, roles")
    def get(self):
        with session_scope(db_sessions()) as session:
            account = session.get(Account, uuid.UUID(current_principal().subject))
            if account is None:
                raise Problem(404, "Nie ma takiego konta.", "No such account.")
            return account


@blp.route("/me/notifications")
class MyNotifications(MethodView):
    @require()
    @blp.response(200, NotificationSettingsSchema)
    @blp.doc(summary="Czy dostaję powiadomienia (o wnioskach, konsultacjach) / Do I get notifications")
    def get(self):
        with session_scope(db_sessions()) as session:
            return {"subscribed": notifications.subscribed(session, uuid.UUID(current_principal().subject))}

    @require()
    @blp.arguments(NotificationSettingsSchema)
    @blp.response(200, NotificationSettingsSchema)
    @blp.doc(summary="Włącz lub wyłącz powiadomienia / Turn notifications on or off")
    def put(self, body):
        account_id = uuid.UUID(current_principal().subject)
        with session_scope(db_sessions()) as session:
            if body["subscribed"]:
                notifications.resubscribe(session, account_id)
            elif notifications.subscribed(session, account_id):
                notifications.unsubscribe(session, account_id)
        return body


@blp.route("/notifications/unsubscribe/<string:token>")
class OneClickUnsubscribe(MethodView):
    @blp.response(204)
    @blp.doc(summary="Wypisz się jednym kliknięciem (link z wiadomości, RFC 8058) / One-click unsubscribe")
    def post(self, token):
        account_id = notifications.account_of_token(current_app.extensions["glos.settings"], token)
        with session_scope(db_sessions()) as session:
            if account_id is None or session.get(Account, account_id) is None:
                raise Problem(404, "Ten link do wypisania się jest nieważny.", "This unsubscribe link is not valid.")
            if notifications.subscribed(session, account_id):
                notifications.unsubscribe(session, account_id)


@blp.route("/me/data")
class MyData(MethodView):
    @require()
    @blp.response(200, MyDataSchema)
    @blp.doc(summary="Pobierz swoje dane (RODO) / Download your data (GDPR)")
    def get(self):
        with session_scope(db_sessions()) as session:
            data = privacy.export(session, _vault(), uuid.UUID(current_principal().subject))
        response = jsonify(data)
        response.headers["Content-Disposition"] = 'attachment; filename="glos-moje-dane.json"'
        response.headers["Cache-Control"] = "no-store"
        return response


@blp.route("/me")
class Me(MethodView):
    @require()
    @blp.arguments(AccountDeletionSchema)
    @blp.response(204)
    @blp.doc(summary="Usuń konto (RODO) / Delete the account (GDPR)")
    def delete(self, body):
        principal = current_principal()
        with session_scope(db_sessions()) as session:
            privacy.delete_account(session, _throttle(), uuid.UUID(principal.subject), body["password"],
                                   address=request.remote_addr or "-",
                                   end_logins=lambda account_id: sessions.end_every_login(
                                       session, current_app.extensions["glos.redis"],
                                       current_app.extensions["glos.settings"], account_id))
            sessions.logout(session, current_app.extensions["glos.redis"], current_app.extensions["glos.settings"],
                            raw_refresh_token=None, access_claims=principal.claims)


@blp.route("/residents/<uuid:account_id>/foreigner-verification")
class ForeignerVerification(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @blp.arguments(ForeignerVerificationSchema)
    @blp.response(200, ResidentSchema)
    @blp.doc(summary="Weryfikacja cudzoziemca bez PESEL (urzędnik) / A foreigner without PESEL (official)")
    def post(self, body, account_id):
        vault = _vault()
        with session_scope(db_sessions()) as session:
            resident = residents.verify_foreigner(session, vault, account_id=account_id,
                                                  official=current_principal().subject, **body)
            return _resident_view(vault, resident)


@blp.route("/residents/<uuid:account_id>/in-person-verification")
class InPersonVerification(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @blp.arguments(InPersonVerificationSchema)
    @blp.response(200, ResidentSchema)
    @blp.doc(summary="Weryfikacja osobista w punkcie (urzędnik) / In-person verification (official)")
    def post(self, body, account_id):
        vault = _vault()
        with session_scope(db_sessions()) as session:
            resident = residents.verify_in_person(session, account_id=account_id, official=current_principal().subject,
                                                  **body)
            return _resident_view(vault, resident)


def _csv_body() -> str:
    if request.mimetype not in ("text/csv", "text/plain"):
        raise Problem(415, "Prześlij plik CSV (Content-Type: text/csv).", "Send a CSV file (Content-Type: text/csv).")
    try:
        return request.get_data().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem(422, "Plik nie jest w UTF-8.", "The file is not UTF-8.",
                      errors=[{"location": "body", "field": "_file", "message": "Kodowanie inne niż UTF-8.",
                               "message_en": "Not UTF-8."}]) from None


def _census_body() -> str:
    """A census file: a larger body than the API's other requests allow (the gateway agrees for these paths)."""
    request.max_content_length = current_app.extensions["glos.settings"].census_max_bytes  # this request only
    return _csv_body()


@blp.route("/census")
class Census(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @file_body("text/csv", "text/plain", description="Rejestr (CSV, UTF-8) / The register (CSV, UTF-8)")
    @blp.arguments(CensusQuerySchema, location="query")
    @blp.response(200, CensusReportSchema)
    @blp.doc(summary="Import rejestru mieszkańców (CSV w treści żądania) / Census import (CSV body)")
    def post(self, query):
        text = _census_body()
        with session_scope(db_sessions()) as session:
            return census.import_census(session, _vault(), text, actor=current_principal().subject,
                                        reason=query["reason"], resolve_address=addresses.resolver(session)).as_dict()


@blp.route("/census/population")
class CensusPopulation(MethodView):
    @blp.arguments(PopulationQuerySchema, location="query")
    @blp.response(200, PopulationSchema)
    @blp.doc(summary="Uprawnieni mieszkańcy według osiedla i wieku (tylko liczby) / Eligible residents by district "
                     "and age band (counts only)")
    def get(self, query):
        with session_scope(db_sessions()) as session:
            found = census.population(session, on=query["on"], min_age=query["min_age"])
        if found is None:
            raise Problem(404, "Miasto nie wczytało jeszcze rejestru mieszkańców.", "No residents' register yet.")
        return found


@blp.route("/census/imports")
class CensusImports(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @blp.response(200, CensusImportSchema(many=True))
    @blp.doc(summary="Ostatnie wczytania rejestru mieszkańców / Recent census imports")
    def get(self):
        with session_scope(db_sessions()) as session:
            return census_imports.recent(session)

    @require(any_of=("pb_official", "coordinator"))
    @file_body("text/csv", "text/plain", description="Rejestr (CSV, UTF-8) / The register (CSV, UTF-8)")
    @blp.arguments(CensusQuerySchema, location="query")
    @blp.response(202, CensusImportSchema)
    @blp.doc(summary="Wczytanie rejestru mieszkańców w tle, z postępem / Census import in the background, "
                     "with its progress")
    def post(self, query):
        text = _census_body()
        job = census_imports.start(db_sessions(), _vault(), text, actor=current_principal().subject,
                                   reason=query["reason"])
        # 409 while another import is under way; the Location is where its progress is read
        return job, 202, {"Location": url_for("identity.CensusImportStatus", import_id=job["id"])}


@blp.route("/census/imports/<uuid:import_id>")
class CensusImportStatus(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @blp.response(200, CensusImportSchema)
    @blp.doc(summary="Postęp i raport wczytania rejestru / A census import's progress and report")
    def get(self, import_id):
        with session_scope(db_sessions()) as session:
            return census_imports.get(session, import_id)


@blp.route("/streets")
class Streets(MethodView):
    @require(any_of=("pb_official", "coordinator"))
    @file_body("text/csv", "text/plain", description="Ulice i osiedla (CSV street;district) / Streets (CSV)")
    @blp.arguments(CensusQuerySchema, location="query")
    @blp.response(200, StreetsReportSchema)
    @blp.doc(summary="Rejestr ulic i osiedli (CSV street;district) / Street register (CSV)")
    def put(self, query):
        text = _csv_body()
        with session_scope(db_sessions()) as session:
            return {"streets": addresses.import_streets(session, text, actor=current_principal().subject,
                                                        reason=query["reason"])}


@blp.route("/editions/<uuid:edition_id>/eligibility")
class Eligibility(MethodView):
    # an edition's rules come with its published ballot (handlers.on_ballot_published); an edition run without
    # proposals-svc's ballot (a consultation vote, a test) gets them here, until a ballot freezes them
    @blp.response(200, EligibilityRulesSchema)
    @blp.doc(summary="Zasady uprawnienia do głosowania w edycji / An edition's eligibility rules")
    def get(self, edition_id):
        with session_scope(db_sessions()) as session:
            rules = session.get(EditionEligibility, edition_id)
            if rules is None:
                raise Problem(404, "Ta edycja nie ma jeszcze zasad uprawnienia.",
                              "This edition has no eligibility rules yet.")
            return rules

    @require(any_of=("pb_official", "coordinator", "admin"))
    @blp.arguments(EligibilitySchema)
    @blp.response(200, EligibilityRulesSchema)
    @blp.doc(summary="Ustalenie zasad uprawnienia (przed publikacją karty) / Setting the rules (before the ballot)")
    def put(self, body, edition_id):
        actor = current_principal().subject
        reason = body.pop("reason")
        with session_scope(db_sessions()) as session:
            rules = session.get(EditionEligibility, edition_id, with_for_update=True) or \
                EditionEligibility(edition_id=edition_id)
            if rules.rules_sha256:
                raise Problem(409, "Zasady uprawnienia tej edycji przyszły z opublikowaną kartą do głosowania i są "
                                   "zamrożone.", "This edition's eligibility rules came with the published ballot "
                                                 "and are frozen.", type_="https://glos.pl/problems/rules-frozen",
                              errors=[{"location": "json", "field": "_rules", "message": "Zasady są zamrożone.",
                                       "message_en": "The rules are frozen."}])
            for key, value in body.items():
                setattr(rules, key, value)
            rules.updated_by = actor
            session.add(rules)
            audit.record(session, actor=actor, action="edition.eligibility_set", target=str(edition_id),
                         reason=reason, **{k: str(v) for k, v in body.items()})
            return rules


@blp.route("/editions/<uuid:edition_id>/credential")
class VoterCredential(MethodView):
    @require()
    @blp.arguments(CredentialRequestSchema)
    @blp.response(201, CredentialSchema)
    @blp.doc(summary="Poświadczenie do głosowania (mieszkaniec) / Voter credential (resident)")
    def post(self, body, edition_id):
        vault = _vault()
        settings = current_app.extensions["glos.settings"]
        subject = current_principal().subject
        with session_scope(db_sessions()) as session:
            resident = session.get(Resident, uuid.UUID(subject))
            if resident is None:
                raise Problem(403, "Głosować mogą zweryfikowani mieszkańcy: złóż deklarację zamieszkania.",
                              "Only verified residents can vote: declare your residency first.",
                              type_="https://glos.pl/problems/ineligible/not_verified")
            return credentials.issue(session, vault=vault, settings=settings, edition_id=edition_id,
                                     resident=resident, guardian_consent=body["guardian_consent"], channel="online",
                                     issued_by=subject)


@blp.route("/editions/<uuid:edition_id>/credential/status")
class VoterStatusPass(MethodView):
    @require()
    @blp.response(201, CredentialSchema)
    @blp.doc(summary="Przepustka do sprawdzenia, czy oddano głos (60 s; nie służy do głosowania) / "
                     "A pass to ask whether I have voted (60 s; not for voting)")
    def post(self, edition_id):
        vault = _vault()
        with session_scope(db_sessions()) as session:
            resident = session.get(Resident, uuid.UUID(current_principal().subject))
            if resident is None:
                raise Problem(404, "Nie złożono deklaracji zamieszkania.", "No residency declaration yet.")
            return credentials.status_pass(session, vault=vault, settings=current_app.extensions["glos.settings"],
                                           edition_id=edition_id, resident=resident)


@blp.route("/editions/<uuid:edition_id>/credential/on-behalf")
class VoterCredentialOnBehalf(MethodView):
    @require(any_of=("pb_official",))
    @blp.arguments(OnBehalfCredentialRequestSchema)
    @blp.response(201, CredentialSchema)
    @blp.doc(summary="Poświadczenie w punkcie głosowania papierowego (urzędnik) / Credential at a paper-voting point")
    def post(self, body, edition_id):
        vault = _vault()
        settings = current_app.extensions["glos.settings"]
        with session_scope(db_sessions()) as session:
            person, pesel = credentials.voter_at_point(session, vault, body["pesel"])
            return credentials.issue(session, vault=vault, settings=settings, edition_id=edition_id,
                                     resident=person, guardian_consent=body["guardian_consent"], channel="paper",
                                     issued_by=current_principal().subject, pesel=pesel)


@blp.route("/accounts/<uuid:account_id>/roles")
class AccountRoles(MethodView):
    @require(role="admin")
    @blp.arguments(RoleGrantSchema)
    @blp.response(200, RolesSchema)
    @blp.doc(summary="Nadaj rolę (administrator) / Grant a role (admin)")
    def post(self, body, account_id):
        with session_scope(db_sessions()) as session:
            granted = roles.grant(session, account_id=account_id, actor=current_principal().subject, **body)
            return {"account_id": account_id, "roles": granted}


@blp.route("/staff")
class Staff(MethodView):
    @require(role="admin")
    @blp.response(200, StaffAccountSchema(many=True))
    @blp.doc(summary="Konta z rolami pracowników (administrator) / Accounts with staff roles (admin)")
    def get(self):
        with session_scope(db_sessions()) as session:
            return roles.staff(session)


@blp.route("/staff/names")
class StaffNames(MethodView):
    @require(any_of=tuple(roles.STAFF_ROLES))
    @blp.response(200, StaffNameSchema(many=True))
    @blp.doc(summary="Kto jest kim wśród pracowników (dla pracowników) / Who is who among staff (for staff)")
    def get(self):
        with session_scope(db_sessions()) as session:
            return roles.staff(session)


@blp.route("/residents/lookup")
class DeskLookup(MethodView):
    @require(any_of=("pb_official", "coordinator", "admin"))
    @blp.arguments(DeskLookupSchema)
    @blp.response(200, DeskPersonSchema)
    @blp.doc(summary="Znajdź osobę w punkcie weryfikacji po e-mailu lub PESEL-u / Find the person at the desk")
    def post(self, body):
        with session_scope(db_sessions()) as session:
            return residents.find_at_desk(session, _vault(), email=body["email"], pesel=body["pesel"])


@blp.route("/accounts/<uuid:account_id>/roles/<string:role>")
class AccountRole(MethodView):
    @require(role="admin")
    @blp.arguments(RoleRevokeSchema)
    @blp.response(200, RolesSchema)
    @blp.doc(summary="Odbierz rolę (administrator) / Revoke a role (admin)")
    def delete(self, body, account_id, role):
        with session_scope(db_sessions()) as session:
            left = roles.revoke(session, account_id=account_id, role=role, actor=current_principal().subject,
                                reason=body["reason"])
            return {"account_id": account_id, "roles": left}


@blp.route("/support-lists")
class SupportLists(MethodView):
    @require(role="pb_official")
    @blp.arguments(SupportListSchema)
    @blp.response(201, SupportListReportSchema)
    @blp.doc(summary="Wprowadź papierową listę poparcia wniosku (urzędnik) / Enter a proposal's paper support list")
    def post(self, body):
        vault = _vault()
        with session_scope(db_sessions()) as session:
            return support_lists.enter(session, vault, actor=current_principal().subject, **body)
