"""Voting: the ballot per area within the frozen rules, the summary, the cast, the receipt, and the check of a
receipt against the published Merkle root.

The ballot being filled in lives in the server-side session, so the whole path works without JavaScript:
each area is one form, checked here against the same rules voting-svc applies (and voting-svc checks
again). The cast asks identity-svc for a short-lived voter credential and sends the ballot to voting-svc with
an Idempotency-Key kept in the session, so a double click or a retry gives the same receipt, never a
second ballot.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
import threading
from email.message import EmailMessage

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from .. import auth, i18n
from ..api import ApiError
from ..clients import identity_api, proposals_api, voting_api
from .common import IMMUTABLE_S, PUBLIC_S, token, voting_ends

bp = Blueprint("ballot", __name__, url_prefix="/edycje/<uuid:edition_id>/glosowanie")
log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- the draft in the session


def _drafts() -> dict:
    return session.setdefault("ballots", {})


def draft_of(edition_id: str) -> dict:
    drafts = _drafts()
    if edition_id not in drafts:
        # the Idempotency-Key of this ballot: a double click or a retry of the cast gets the same receipt
        drafts[edition_id] = {"parts": {}, "district": None, "key": secrets.token_hex(16)}
        session.modified = True
    return drafts[edition_id]


def _save(edition_id: str, draft: dict) -> None:
    _drafts()[edition_id] = draft
    session["ballot_pending"] = edition_id if any(draft["parts"].values()) else None
    session.modified = True


def _discard(edition_id: str) -> None:
    _drafts().pop(edition_id, None)
    if session.get("ballot_pending") == edition_id:
        session["ballot_pending"] = None
    session.modified = True


# --------------------------------------------------------------------------- the ballot and its areas


def published_ballot(edition_id: str) -> dict:
    return voting_api.ballot(edition_id, cache_s=IMMUTABLE_S)  # frozen once published


def my_residency() -> dict | None:
    """The person's residency, asked once per login: each ballot page needs the district, and it does not
    change while they vote (declaring it again clears this)."""
    if session.get("residency"):
        return session["residency"]
    try:
        residency = identity_api.my_resident_record(token=token())
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise
    session["residency"] = {"district": residency["district"]}
    return session["residency"]


def my_ballot(edition_id: str) -> dict | None:
    """The person's ballot in this edition as voting-svc knows it — not only what this browser's session
    remembers: after a new login, or a vote cast on another device, the page must still say "you have voted"
    rather than offer a ballot that ends in "already voted". identity-svc gives a one-minute pass for the
    question (not a credential to vote, not recorded as voting); voting-svc answers from the vote claims.
    A found receipt is kept in the session; a draft begun meanwhile is dropped where it can no longer be cast."""
    held = session.get("receipts", {}).get(edition_id)
    if held:
        return {"state": "accepted", **held}
    if "my_ballot" in g:
        return g.my_ballot
    g.my_ballot = None
    if my_residency() is None:
        return None
    try:
        status_pass = identity_api.status_credential(edition_id, token=token())
        mine = voting_api.my_vote(edition_id, token=status_pass["credential"])
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise
    if mine["state"] == "accepted":
        session.setdefault("receipts", {})[edition_id] = {k: mine[k] for k in ("receipt", "edition_id", "cast_at")}
        session.modified = True
        if not published_ballot(edition_id)["rules"].get("revoting"):
            _discard(edition_id)
    g.my_ballot = mine
    return mine


def _voted_for_good(edition_id: str, ballot: dict) -> bool:
    """A ballot is cast and the edition does not let it change: the ballot pages lead to its receipt."""
    mine = my_ballot(edition_id)
    return bool(mine) and mine["state"] in ("accepted", "voided") and not ballot["rules"].get("revoting")


def areas_to_vote(ballot: dict, district_name: str | None, chosen_district: str | None) -> list[dict]:
    """The voter's district first (their own, or the one they chose where the rules let them), then the
    city-wide areas."""
    rules = ballot["rules"]
    districts = [a for a in ballot["areas"] if a["kind"] == "district"]
    if rules.get("district_choice", "own") == "own":
        mine = [a for a in districts if a["name"] == district_name]
    else:
        mine = [a for a in districts if a["area_id"] == chosen_district]
    return mine + [a for a in ballot["areas"] if a["kind"] == "city"]


def check_part(edition_id: str, rule: dict, area: dict, chosen: dict[str, int]) -> list[str]:
    """One area's choices checked by voting-svc itself (its dry run: the rules that will decide the cast
    ballot, so the site keeps no copy of them); an area may also be left empty (its part is not sent)."""
    if not chosen:
        return []
    if rule["type"] == "ordinal" and sorted(chosen.values()) != list(range(1, len(chosen) + 1)):
        # the form's ranks must make an order before there is a ballot to check
        return [_("Każde miejsce od 1 do %(n)d przyznaj dokładnie jednemu projektowi.", n=len(chosen))]
    try:
        voting_api.check_ballot(edition_id,
                                json={"parts": [part_for_api(rule, area, chosen)], "whole": False})
    except ApiError as exc:
        if exc.status != 422:
            raise
        return [str(e.get("message")) for e in exc.errors] or [exc.message()]
    return []


def read_choices(rule: dict, area: dict) -> tuple[dict[str, int], list[str]]:
    """The area form's fields → {project id: points (1 for approval; the rank for ordinal)}."""
    ids = {p["proposal_id"] for p in area["projects"]}
    problems = []
    chosen: dict[str, int] = {}
    if rule["type"] in ("approval", "budget_approval"):
        chosen = {pid: 1 for pid in request.form.getlist("project") if pid in ids}
    else:
        for pid in ids:
            raw = request.form.get(f"points-{pid}", "").strip()
            if not raw or raw == "0":
                continue
            if not raw.isdigit():
                problems.append(_("Podaj liczbę całkowitą."))
                continue
            chosen[pid] = int(raw)
    return chosen, problems


def part_for_api(rule: dict, area: dict, chosen: dict[str, int]) -> dict:
    if rule["type"] == "ordinal":  # the order of choices is the ranking
        choices = [{"project_id": pid} for pid, _rank in sorted(chosen.items(), key=lambda kv: kv[1])]
    elif rule["type"] == "cumulative":
        choices = [{"project_id": pid, "points": pts} for pid, pts in chosen.items()]
    else:
        choices = [{"project_id": pid} for pid in chosen]
    return {"area_id": area["area_id"], "choices": choices}


def parts_for_api(rules: dict, areas: list[dict], draft: dict) -> list[dict]:
    return [part_for_api(rules[area["kind"]], area, draft["parts"][area["area_id"]])
            for area in areas if draft["parts"].get(area["area_id"])]


def _context(edition_id: str):
    edition = proposals_api.edition(edition_id, cache_s=PUBLIC_S)
    ballot = published_ballot(edition_id)
    schedule = proposals_api.schedule(edition_id, cache_s=PUBLIC_S)
    g.voting_ends = voting_ends(schedule)  # every ballot page says when voting ends (ballot/_deadline.html)
    return edition, ballot


# --------------------------------------------------------------------------- pages


@bp.get("/")
def start(edition_id):
    edition_id = str(edition_id)
    edition, ballot = _context(edition_id)
    user = auth.current_user()
    residency = my_residency() if user else None
    mine = my_ballot(edition_id) if user else None
    draft = draft_of(edition_id) if user else None
    districts = sorted((a for a in ballot["areas"] if a["kind"] == "district"), key=lambda a: a["name"])
    own_area = next((a for a in districts if residency and a["name"] == residency["district"]), None)
    return render_template("ballot/start.html", edition=edition, ballot=ballot, rules=ballot["rules"],
                           residency=residency, draft=draft, districts=districts, own_area=own_area, mine=mine,
                           receipt=mine if mine and mine["state"] == "accepted" else None)


@bp.post("/")
@auth.login_required
def begin(edition_id):
    edition_id = str(edition_id)
    _, ballot = _context(edition_id)
    if _voted_for_good(edition_id, ballot):
        return redirect(url_for("ballot.start", edition_id=edition_id))
    draft = draft_of(edition_id)
    if ballot["rules"].get("district_choice", "own") == "any":
        chosen = request.form.get("district", "")
        if chosen not in {a["area_id"] for a in ballot["areas"] if a["kind"] == "district"}:
            flash(_("Wybierz osiedle, w którym chcesz głosować."), "error")
            return redirect(url_for("ballot.start", edition_id=edition_id))
        if draft["district"] and draft["district"] != chosen:
            draft["parts"].pop(draft["district"], None)  # a choice in another district no longer applies
        draft["district"] = chosen
    _save(edition_id, draft)
    areas = _areas(ballot, draft)
    if not areas:
        flash(_("Nie znaleźliśmy obszaru, w którym możesz głosować."), "error")
        return redirect(url_for("ballot.start", edition_id=edition_id))
    return redirect(url_for("ballot.area", edition_id=edition_id, area_id=areas[0]["area_id"]))


def _areas(ballot: dict, draft: dict) -> list[dict]:
    residency = my_residency()
    return areas_to_vote(ballot, residency["district"] if residency else None, draft["district"])


def _ballot_filters() -> dict:
    return {"q": request.args.get("q", "").strip(), "category": request.args.get("category", "").strip(),
            "mine": request.args.get("mine") == "1"}


def shown_projects(area: dict, chosen: dict, filters: dict, details: dict[str, dict]) -> tuple[set[str], list[str]]:
    """Which of the area's projects the search, the category and "only my choices" leave shown, and the area's
    categories (`details`: proposals-svc's public proposals by id, for category, description and address).
    Every project stays in the form (the others hidden), so a filtered view never drops a choice."""
    categories = sorted({d["category"] for d in details.values() if d.get("category")})
    text = filters["q"].casefold()
    shown = set()
    for p in area["projects"]:
        about = details.get(p["proposal_id"], {})
        if filters["mine"] and p["proposal_id"] not in chosen:
            continue
        if filters["category"] and about.get("category") != filters["category"]:
            continue
        words = " ".join(filter(None, (p.get("external_id"), p["title"], about.get("description"),
                                       about.get("location_address")))).casefold()
        if text and text not in words:
            continue
        shown.add(p["proposal_id"])
    return shown, categories


@bp.route("/obszar/<uuid:area_id>", methods=["GET", "POST"])
@auth.login_required
def area(edition_id, area_id):
    edition_id, area_id = str(edition_id), str(area_id)
    edition, ballot = _context(edition_id)
    draft = draft_of(edition_id)
    areas = _areas(ballot, draft)
    index = next((i for i, a in enumerate(areas) if a["area_id"] == area_id), None)
    if index is None:
        flash(_("W tym obszarze nie możesz głosować."), "error")
        return redirect(url_for("ballot.start", edition_id=edition_id))
    current = areas[index]
    rule = ballot["rules"][current["kind"]]
    problems: list[str] = []
    chosen = draft["parts"].get(area_id, {})
    filters = _ballot_filters()
    if request.method == "POST":
        chosen, problems = read_choices(rule, current)
        go = request.form.get("go", "next")
        if go in ("filter", "clear") or go.startswith("details:"):
            # the choices so far kept as they are (checked when the step is saved), then the filtered list or
            # a project's page — with its way back to this step
            draft["parts"][area_id] = chosen
            _save(edition_id, draft)
            if go.startswith("details:"):
                return redirect(url_for("editions.project", edition_id=edition_id, proposal_id=go[8:],
                                        ballot_area=area_id))
            params = {} if go == "clear" else {k: v for k, v in (
                ("q", request.form.get("q", "").strip()), ("category", request.form.get("category", "")),
                ("mine", "1" if request.form.get("mine") else "")) if v}
            return redirect(url_for("ballot.area", edition_id=edition_id, area_id=area_id, **params) + "#projects")
        problems = problems or check_part(edition_id, rule, current, chosen)
        if not problems:
            draft["parts"][area_id] = chosen
            _save(edition_id, draft)
            if go == "back" and index > 0:
                return redirect(url_for("ballot.area", edition_id=edition_id, area_id=areas[index - 1]["area_id"]))
            if index + 1 < len(areas):
                return redirect(url_for("ballot.area", edition_id=edition_id, area_id=areas[index + 1]["area_id"]))
            return redirect(url_for("ballot.summary", edition_id=edition_id))
    details = {p["id"]: p for p in proposals_api.proposals(edition_id,
                                                             params={"area_id": area_id}, cache_s=PUBLIC_S)}
    shown, categories = shown_projects(current, chosen, filters, details)
    return render_template("ballot/area.html", edition=edition, ballot=ballot, area=current, rule=rule,
                           chosen=chosen, problems=problems, step=index + 1, steps=len(areas), areas=areas,
                           previous=areas[index - 1] if index > 0 else None, filters=filters, shown=shown,
                           categories=categories), (422 if problems else 200)


@bp.route("/podsumowanie", methods=["GET"])
@auth.login_required
def summary(edition_id):
    edition_id = str(edition_id)
    edition, ballot = _context(edition_id)
    if _voted_for_good(edition_id, ballot):
        flash(_("Twój głos w tej edycji został już oddany."), "info")
        return redirect(url_for("ballot.start", edition_id=edition_id))
    draft = draft_of(edition_id)
    areas = _areas(ballot, draft)
    rows = []
    for a in areas:
        chosen = draft["parts"].get(a["area_id"], {})
        projects = [{**p, "points": chosen[p["proposal_id"]]} for p in a["projects"] if p["proposal_id"] in chosen]
        rule = ballot["rules"][a["kind"]]
        if rule["type"] == "ordinal":
            projects.sort(key=lambda p: p["points"])
        rows.append({"area": a, "rule": rule, "projects": projects, "total": sum(p["cost"] for p in projects)})
    return render_template("ballot/summary.html", edition=edition, ballot=ballot, rows=rows, errors={},
                           empty=not any(r["projects"] for r in rows))


@bp.post("/oddaj")
@auth.login_required
def cast(edition_id):
    edition_id = str(edition_id)
    edition, ballot = _context(edition_id)
    draft = draft_of(edition_id)
    parts = parts_for_api(ballot["rules"], _areas(ballot, draft), draft)
    if not parts:
        flash(_("Karta jest pusta: wybierz co najmniej jeden projekt."), "error")
        return redirect(url_for("ballot.summary", edition_id=edition_id))
    if not ballot["rules"].get("revoting") and request.form.get("final") != "yes":
        flash(_("Zaznacz, że rozumiesz, iż oddanego głosu nie można zmienić."), "error")
        return redirect(url_for("ballot.summary", edition_id=edition_id))
    try:
        consent = request.form.get("guardian_consent") == "yes"
        credential = identity_api.take_credential(edition_id, token=token(), json={"guardian_consent": consent})
        receipt = voting_api.cast_vote(edition_id, json={"parts": parts},
                                       token=credential["credential"], headers={"Idempotency-Key": draft["key"]})
    except ApiError as exc:
        if exc.status == 409 and exc.type.endswith("/already-voted"):
            # cast before — in another browser, or before this login: say so, with that ballot's receipt
            _discard(edition_id)
            flash(_("Twój głos w tej edycji został już oddany wcześniej — ten wybór nie został wysłany."), "info")
            return redirect(url_for("ballot.start", edition_id=edition_id))
        if exc.status in (403, 409, 422):
            return render_template("ballot/refused.html", edition=edition, error=exc), exc.status
        raise
    session.setdefault("receipts", {})[edition_id] = receipt
    _discard(edition_id)
    _mail_receipt_in_the_background(edition, receipt)
    flash(_("Kopię potwierdzenia wysyłamy na Twój adres e-mail."), "info")
    return redirect(url_for("ballot.receipt", edition_id=edition_id))


@bp.get("/potwierdzenie")
@auth.login_required
def receipt(edition_id):
    edition_id = str(edition_id)
    edition, ballot = _context(edition_id)
    mine = my_ballot(edition_id)
    if not mine or mine["state"] != "accepted":
        return redirect(url_for("ballot.start", edition_id=edition_id))
    return render_template("ballot/receipt.html", edition=edition, ballot=ballot, receipt=mine)


def _receipt_mail(edition: dict, held: dict, address: str) -> EmailMessage:
    """The receipt as a letter in the page's language, with the time in Warsaw time — never the choices."""
    settings = current_app.extensions["glos_web.settings"]
    message = EmailMessage()
    message["From"], message["To"] = settings.mail_from, address
    message["Subject"] = _("Głos: potwierdzenie oddania głosu — %(edition)s", edition=edition["name"])
    link = f"{settings.public_url}{url_for('ballot.check_receipt', edition_id=edition['id'], receipt=held['receipt'])}"
    message.set_content(_("Twój głos w edycji „%(edition)s” został przyjęty %(when)s (czas warszawski).\n\n"
                          "Kod potwierdzenia: %(code)s\n\nPo ogłoszeniu wyników sprawdzisz, że Twój głos został "
                          "policzony: %(link)s\n\nTa wiadomość nie zawiera Twoich wyborów; kod ich nie zdradza.\n",
                          edition=edition["name"], when=i18n.when(held["cast_at"]), code=held["receipt"], link=link))
    return message


def _send(message: EmailMessage) -> None:
    settings = current_app.extensions["glos_web.settings"]
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)


def _mail_receipt_in_the_background(edition: dict, held: dict) -> None:
    """After a cast: the receipt to the person's own address, straight to the mail server and kept nowhere on the
    platform (a receipt filed beside an identity would tie a ballot to a person). In a thread of its own: the
    vote's answer never waits for a mail server, and a mail server that is down costs the voter nothing (the
    receipt is on the page, and 'send a copy' is there to try again)."""
    try:
        address = identity_api.my_account(token=token())["email"]
    except ApiError:
        return
    message = _receipt_mail(edition, held, address)
    app = current_app._get_current_object()

    def send() -> None:
        with app.app_context():
            try:
                _send(message)
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("the receipt mail was not sent: %s", type(exc).__name__)

    threading.Thread(target=send, name="receipt-mail", daemon=True).start()


@bp.post("/potwierdzenie/email")
@auth.login_required
def email_receipt(edition_id):
    """Another copy of the receipt to the person's own address, sent now (the page says whether it went)."""
    edition_id = str(edition_id)
    edition, _ballot = _context(edition_id)
    mine = my_ballot(edition_id)
    if not mine or mine["state"] != "accepted":
        return redirect(url_for("ballot.start", edition_id=edition_id))
    account = identity_api.my_account(token=token())
    try:
        _send(_receipt_mail(edition, mine, account["email"]))
    except (OSError, smtplib.SMTPException):
        flash(_("Nie udało się wysłać wiadomości. Zapisz kod potwierdzenia z tej strony."), "error")
    else:
        flash(_("Wysłaliśmy kopię potwierdzenia na Twój adres e-mail."), "success")
    return redirect(url_for("ballot.receipt", edition_id=edition_id))


def _leaf(receipt_code: str) -> bytes:
    return hashlib.sha256(b"\x00" + receipt_code.encode()).digest()


def verify_inclusion(receipt_code: str, path: list[dict], root: str) -> bool:
    """The inclusion proof checked here, not taken on trust: leaf SHA-256(0x00 ‖ receipt), inner nodes
    SHA-256(0x01 ‖ left ‖ right), up to the published root (voting-svc's receipts module, RFC 6962 style)."""
    node = _leaf(receipt_code)
    for step in path:
        sibling = bytes.fromhex(step["hash"])
        pair = sibling + node if step["side"] == "left" else node + sibling
        node = hashlib.sha256(b"\x01" + pair).digest()
    return node.hex() == root


@bp.get("/sprawdz")
def check_receipt(edition_id):
    edition_id = str(edition_id)
    edition = proposals_api.edition(edition_id, cache_s=PUBLIC_S)
    code = request.args.get("receipt", "").strip().lower()
    outcome, error, proof, published = None, None, None, None
    try:
        published = voting_api.results(edition_id, cache_s=IMMUTABLE_S)
    except ApiError as exc:
        if exc.status != 404:
            raise
    if code:
        if not (len(code) == 32 and all(c in "0123456789abcdef" for c in code)):
            error = _("Kod potwierdzenia to 32 znaki: cyfry 0–9 i litery a–f.")
        elif published is None:
            error = _("Wyniki nie są jeszcze ogłoszone; sprawdzisz potwierdzenie po ich publikacji.")
        else:
            try:
                proof = voting_api.receipt_proof(edition_id, code)
            except ApiError as exc:
                if exc.status != 404:
                    raise
                outcome = "missing"
            else:
                outcome = "included" if proof["root"] == published["receipts_root"] and \
                    verify_inclusion(code, proof["path"], published["receipts_root"]) else "mismatch"
    effect = None
    if outcome == "included":
        # which of the projects on this ballot won, and under MES where the voter's share went (issue 25)
        effect = voting_api.receipt_effect(edition_id, code)
    return render_template("ballot/check.html", edition=edition, code=code, outcome=outcome, error=error,
                           proof=proof, published=published, effect=effect), (422 if error else 200)
