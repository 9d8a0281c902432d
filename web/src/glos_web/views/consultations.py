"""Public consultations as residents take part in them: the list, a consultation's page, the survey (every
question type, conditional questions, anonymous surveys, correcting a response until the close), a document's
sections with comments, threaded replies, support and flags (a held comment shown to its author with the
reason), meetings (register, waitlist place, cancel), the results after the close and the published report."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import auth, survey
from ..api import ApiError
from ..clients import consultation_api, identity_api
from .common import PUBLIC_S, token

bp = Blueprint("consultations", __name__, url_prefix="/konsultacje")

STATUS_NAMES = {"announced": _l("zapowiedziane"), "open": _l("trwają"), "closed": _l("zakończone"),
                "report_published": _l("raport opublikowany")}
FORM_NAMES = {"survey": _l("ankieta"), "comments": _l("uwagi do dokumentu"), "meetings": _l("spotkania"),
              "debate": _l("debata")}
OUTCOME_NAMES = {"pending": _l("czeka na odpowiedź"), "accepted": _l("uwzględniona"),
                 "partly_accepted": _l("uwzględniona częściowo"), "not_accepted": _l("nieuwzględniona"),
                 "not_applicable": _l("nie dotyczy przedmiotu konsultacji")}
KIND_NAMES = {"comment": _l("komentarz do dokumentu"), "open_answer": _l("odpowiedź w ankiecie"),
              "meeting": _l("uwaga ze spotkania"), "email": _l("uwaga nadesłana e-mailem")}
AGE_BANDS = ("<18", "18-29", "30-44", "45-59", "60-74", "75+")


def _consultation(cid) -> dict:
    found = consultation_api.consultation(cid)  # its status decides what a person may do: never stale
    found["status_label"] = str(STATUS_NAMES.get(found["status"], found["status"]))
    found["form_labels"] = [str(FORM_NAMES.get(f, f)) for f in found["forms"]]
    return found


def _mine_or_none(ask, *ids):
    """The signed-in person's own record (`ask`: consultation_api.my_response or my_registration), or None when
    they have none."""
    if not token():
        return None
    try:
        return ask(*ids, token=token())
    except ApiError as exc:
        if exc.status in (403, 404):
            return None
        raise


@bp.get("/")
def index():
    found = consultation_api.consultations(cache_s=PUBLIC_S)
    for c in found:
        c["status_label"] = str(STATUS_NAMES.get(c["status"], c["status"]))
        c["form_labels"] = [str(FORM_NAMES.get(f, f)) for f in c["forms"]]
    order = {"open": 0, "announced": 1, "closed": 2, "report_published": 3}
    found.sort(key=lambda c: (order.get(c["status"], 4), c["closes_at"]))
    return render_template("consultations/index.html", consultations=found)


@bp.get("/<uuid:cid>")
def page(cid):
    consultation = _consultation(cid)
    documents = consultation_api.documents(cid, cache_s=PUBLIC_S)
    meetings = consultation_api.meetings(cid)  # places taken change by the minute
    for meeting in meetings:
        meeting["mine"] = _mine_or_none(consultation_api.my_registration, meeting["id"])
    questions = consultation_api.survey(cid, cache_s=PUBLIC_S)
    response = _mine_or_none(consultation_api.my_response, cid) if questions else None
    return render_template("consultations/page.html", c=consultation, documents=documents, meetings=meetings,
                           questions=questions, response=response)


# -- the survey --------------------------------------------------------------------------------------------------

def _render_survey(consultation, questions, typed, errors, *, response=None, notice=None, status=200):
    answers_so_far = typed.get("_answers", {})
    return render_template("consultations/survey.html", c=consultation, questions=questions, values=typed,
                           errors=errors, asked=survey.asked(questions, answers_so_far), response=response,
                           notice=notice, input_name=survey.input_name, age_bands=AGE_BANDS,
                           district_options=[(name, name) for name in _city_districts()]
                           if consultation["participation"] == "anonymous_survey" else []), status


def _city_districts() -> list[str]:
    return identity_api.districts(cache_s=PUBLIC_S)["districts"]


@bp.route("/<uuid:cid>/ankieta", methods=["GET", "POST"])
def survey_form(cid):
    consultation = _consultation(cid)
    anonymous = consultation["participation"] == "anonymous_survey"
    if not anonymous and auth.current_user() is None:
        return redirect(url_for("account.login", next=request.full_path.rstrip("?")))
    questions = consultation_api.survey(cid, cache_s=PUBLIC_S)
    response = None if anonymous else _mine_or_none(consultation_api.my_response, cid)
    if consultation["status"] != "open" or not questions:
        return render_template("consultations/survey_closed.html", c=consultation, response=response), 409
    if response and not consultation["responses_editable"] and request.method == "GET":
        return render_template("consultations/survey_closed.html", c=consultation, response=response)
    if request.method == "GET":
        saved = response["answers"] if response else {}
        typed = {**survey.typed_from(questions, saved), "_answers": saved}
        return _render_survey(consultation, questions, typed, {}, response=response)

    answers, typed, errors = survey.read(questions, request.form)
    typed["_answers"] = answers
    for name in ("district", "age_band"):
        typed[name] = request.form.get(name, "")
    seen = set(request.form.get("displayed", "").split(","))
    newly_asked = [q for q in questions if q["code"] in survey.asked(questions, answers) - seen]
    if newly_asked and not errors:  # answers made questions apply that the person has not seen: ask them first
        return _render_survey(consultation, questions, typed, {}, response=response, notice=newly_asked)
    if errors:
        return _render_survey(consultation, questions, typed, errors, response=response, status=422)
    body = {"answers": answers}
    if anonymous:
        body.update(district=request.form.get("district", "").strip() or None,
                    age_band=request.form.get("age_band") or None)
    try:
        consultation_api.answer_survey(cid, token=token(), json=body)
    except ApiError as exc:
        if exc.status != 422:
            raise
        return _render_survey(consultation, questions, typed, exc.field_errors(), response=response, status=422)
    flash(_("Dziękujemy — odpowiedź zapisana.") if not response else _("Odpowiedź poprawiona."), "success")
    return redirect(url_for("consultations.page", cid=cid))


# -- a document, its comments and replies ----------------------------------------------------------------------

def _thread(comments: list[dict]) -> tuple[dict, list[dict], dict]:
    """(top-level comments per section anchor, those on the whole document, replies per parent id)."""
    by_section, general, replies = {}, [], {}
    for comment in comments:
        if comment["parent_id"]:
            replies.setdefault(comment["parent_id"], []).append(comment)
        elif comment["section_anchor"]:
            by_section.setdefault(comment["section_anchor"], []).append(comment)
        else:
            general.append(comment)
    return by_section, general, replies


def _render_document(consultation, did, *, typed=None, errors=None, status=200):
    document = consultation_api.document(consultation['id'], did, cache_s=PUBLIC_S)
    comments = consultation_api.document_comments(consultation['id'], did,
                                                  token=token())
    by_section, general, replies = _thread(comments)
    return render_template("consultations/document.html", c=consultation, document=document,
                           by_section=by_section, general=general, replies=replies, values=typed or {},
                           errors=errors or {}, comment_count=len(comments),
                           versions={s["anchor"]: s["version"] for s in document["sections"]}), status


@bp.get("/<uuid:cid>/dokumenty/<uuid:did>")
def document(cid, did):
    return _render_document(_consultation(cid), did)


@bp.post("/<uuid:cid>/dokumenty/<uuid:did>/komentarze")
@auth.login_required
def comment(cid, did):
    consultation = _consultation(cid)
    target = request.form.get("target", "")  # "document", "section:<anchor>" or "reply:<comment id>"
    field = f"body-{target}"  # each form's text field has its own name, so an error lands by the right one
    body = request.form.get(field, "").strip()
    kind, _sep, ref = target.partition(":")
    payload = {"body": body, "section": ref if kind == "section" else None,
               "parent_id": ref if kind == "reply" else None}
    try:
        created = consultation_api.comment_on_document(cid, did, token=token(),
                                                       json=payload)
    except ApiError as exc:
        if exc.status not in (403, 409, 422):
            raise
        message = exc.field_errors().get("body") or exc.message()
        return _render_document(consultation, did, typed={field: body}, errors={field: message}, status=exc.status)
    if created["status"] == "published":
        flash(_("Komentarz opublikowany."), "success")
    else:
        flash(_("Komentarz czeka na sprawdzenie przez moderatora; widzisz go tylko Ty."), "info")
    return redirect(url_for("consultations.document", cid=cid, did=did) + f"#comment-{created['id']}")


@bp.post("/<uuid:cid>/dokumenty/<uuid:did>/komentarze/<uuid:comment_id>/ocena")
@auth.login_required
def react(cid, did, comment_id):
    kind = request.form.get("kind")
    try:
        consultation_api.react_to_comment(comment_id, token=token(), json={"kind": kind})
        flash(_("Dziękujemy za ocenę komentarza."), "success")
    except ApiError as exc:
        if exc.status not in (403, 409, 422):
            raise
        flash(exc.message(), "error")
    return redirect(url_for("consultations.document", cid=cid, did=did) + f"#comment-{comment_id}")


@bp.route("/<uuid:cid>/dokumenty/<uuid:did>/komentarze/<uuid:comment_id>/zgloszenie", methods=["GET", "POST"])
@auth.login_required
def flag(cid, did, comment_id):
    consultation = _consultation(cid)
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values["reason"] = request.form.get("reason", "").strip()
        try:
            consultation_api.flag_comment(comment_id, token=token(),
                                          json={"reason": values["reason"]})
            flash(_("Zgłoszenie przekazane moderatorom."), "success")
            return redirect(url_for("consultations.document", cid=cid, did=did) + f"#comment-{comment_id}")
        except ApiError as exc:
            if exc.status not in (403, 409, 422):
                raise
            errors = exc.field_errors() or {"reason": exc.message()}
            status = exc.status
    return render_template("consultations/flag.html", c=consultation, did=did, comment_id=comment_id,
                           values=values, errors=errors), status


# -- meetings ----------------------------------------------------------------------------------------------------

def _meeting_step(cid, mid, step, said) -> object:
    """Register or cancel: the outcome (or consultation-svc's refusal) as a message on the meeting's card."""
    try:
        flash(*said(step(mid, token=token())))
    except ApiError as exc:
        if exc.status not in (403, 404, 409):
            raise
        flash(exc.message(), "error")
    return redirect(url_for("consultations.page", cid=cid) + f"#meeting-{mid}")


@bp.post("/<uuid:cid>/spotkania/<uuid:mid>/zapis")
@auth.login_required
def register(cid, mid):
    return _meeting_step(cid, mid, consultation_api.register_for_meeting, lambda registration: (
        (_("Zapisano na spotkanie."), "success") if registration["status"] == "confirmed" else
        (_("Brak wolnych miejsc: jesteś na liście rezerwowej. Napiszemy, gdy zwolni się miejsce."), "info")))


@bp.post("/<uuid:cid>/spotkania/<uuid:mid>/rezygnacja")
@auth.login_required
def cancel(cid, mid):
    return _meeting_step(cid, mid, consultation_api.cancel_registration,
                         lambda _cancelled: (_("Zrezygnowano ze spotkania."), "success"))


# -- results and the report ---------------------------------------------------------------------------------------

def chart_rows(summary: dict) -> list[dict]:
    """(label, value) rows of a question's chart: answers per option, first choices of a ranking, a matrix
    row's mean; none for a number or open text."""
    if "counts" in summary and summary["type"] != "matrix":
        return [{"label": k, "value": v, "percent": summary.get("percent", {}).get(k)}
                for k, v in summary["counts"].items()]
    if "first_choice" in summary:
        return [{"label": k, "value": v} for k, v in summary["first_choice"].items()]
    if "rows" in summary:
        return [{"label": k, "value": r["mean"] or 0} for k, r in summary["rows"].items()]
    return []


@bp.get("/<uuid:cid>/wyniki")
def results(cid):
    consultation = _consultation(cid)
    found = consultation_api.survey_results(cid, token=token(),
                                            cache_s=0 if token() else PUBLIC_S)
    return render_template("consultations/results.html", c=consultation, results=found, chart_rows=chart_rows)


def remark_groups(remarks: list[dict]) -> list[tuple[str, list[dict]]]:
    """The remarks (in the report's order) under their group's heading."""
    groups: list[tuple[str, list[dict]]] = []
    for remark in remarks:
        if not groups or groups[-1][0] != remark["group"]:
            groups.append((remark["group"], []))
        groups[-1][1].append(remark)
    return groups


@bp.get("/<uuid:cid>/raport")
def report(cid):
    consultation = _consultation(cid)
    version = consultation_api.report(cid, cache_s=PUBLIC_S)
    remarks = consultation_api.remarks(cid, cache_s=PUBLIC_S)
    moderation = consultation_api.moderation_summary(cid, cache_s=PUBLIC_S)
    found = consultation_api.survey_results(cid, cache_s=PUBLIC_S)
    shared_by: dict[str, list[int]] = {}  # a reply's remark → the numbers of the remarks that share it
    for remark in remarks:
        if remark.get("shares_reply_of"):
            shared_by.setdefault(remark["shares_reply_of"], []).append(remark["number"])
    return render_template("consultations/report.html", c=consultation, version=version, remarks=remarks,
                           groups=remark_groups(remarks), numbers={r["id"]: r["number"] for r in remarks},
                           shared_by=shared_by, moderation=moderation, results=found, chart_rows=chart_rows,
                           outcome_names=OUTCOME_NAMES, kind_names=KIND_NAMES)
