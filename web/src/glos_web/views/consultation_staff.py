"""Running a consultation: what coordinators and the consultation's moderators do on the site — announce it,
build its survey and documents, plan meetings, assign moderators, open and close it; the moderation queue and
the banned words; live results; attendance and minutes; the remarks to answer and approve; the report's
versions and its publication.

Links to these pages are shown to staff roles only, and consultation-svc decides every action anyway: a
moderator not assigned to a consultation gets its 403, shown as such.
"""

from __future__ import annotations

import uuid
from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..api import ApiError
from ..clients import consultation_api, identity_api
from .common import IMMUTABLE_S, form_errors, from_city_time, role_required, to_city_time, token
from .consultations import FORM_NAMES, KIND_NAMES, OUTCOME_NAMES, STATUS_NAMES, remark_groups

bp = Blueprint("consultation_staff", __name__, url_prefix="/konsultacje")

STAFF_ROLES = ("coordinator", "moderator", "department_reviewer")
MIN_ROWS = 1


# signed in with a staff role; which consultation they may run is consultation-svc's to say
staff_required = role_required(*STAFF_ROLES)


def _consultation(cid) -> dict:
    found = consultation_api.consultation(cid)
    found["status_label"] = str(STATUS_NAMES.get(found["status"], found["status"]))
    found["form_labels"] = [str(FORM_NAMES.get(f, f)) for f in found["forms"]]
    return found


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _call(send, success: str, **kwargs):
    """Do one staff action (`send`: a consultation_api function, its ids bound); its refusal (a 4xx) is shown as
    a message on the page the person came from."""
    try:
        result = send(token=token(), **kwargs)
        flash(success, "success")
        return result
    except ApiError as exc:
        flash(exc.message(), "error")
        return None


# -- announcing ------------------------------------------------------------------------------------------------

ANNOUNCEMENT_FIELDS = ("subject", "description", "scope_districts", "participation", "department", "moderation",
                       "flag_threshold", "opens_at", "closes_at")


def _read_announcement() -> tuple[dict, dict]:
    """The announcement form → (what to send to consultation-svc, what was typed)."""
    values = {name: request.form.get(name, "").strip() for name in ANNOUNCEMENT_FIELDS}
    values["scope_districts"] = request.form.getlist("scope_districts")  # ticked from the city's list
    values["forms"] = request.form.getlist("forms")
    values["responses_editable"] = request.form.get("responses_editable", "")
    body = {"subject": values["subject"], "description": values["description"],
            "scope_districts": values["scope_districts"],
            "forms": values["forms"], "participation": values["participation"],
            "department": values["department"], "moderation": values["moderation"],
            "flag_threshold": int(values["flag_threshold"]) if values["flag_threshold"].isdigit()
            else values["flag_threshold"], "responses_editable": bool(values["responses_editable"]),
            "opens_at": from_city_time(values["opens_at"]), "closes_at": from_city_time(values["closes_at"])}
    return body, values


def _city_districts(values: dict) -> list[str]:
    """The city's districts to tick (identity-svc's list), and any the consultation already names that the list
    no longer has — so that editing the announcement does not drop them unseen."""
    listed = identity_api.districts(cache_s=60)["districts"]
    return listed + [name for name in values.get("scope_districts", []) if name not in listed]


def _typed_announcement(consultation: dict) -> dict:
    return {**{name: consultation.get(name) or "" for name in ANNOUNCEMENT_FIELDS},
            "scope_districts": consultation["scope_districts"], "forms": consultation["forms"],
            "flag_threshold": str(consultation["flag_threshold"]),
            "responses_editable": "1" if consultation["responses_editable"] else "",
            "opens_at": to_city_time(consultation.get("opens_at")), "closes_at": to_city_time(consultation["closes_at"])}


@bp.route("/nowe", methods=["GET", "POST"])
@staff_required
def announce():
    values, errors, status = {"forms": ["survey"], "participation": "residents_in_scope", "moderation": "post",
                              "flag_threshold": "3", "responses_editable": "1"}, {}, 200
    if request.method == "POST":
        body, values = _read_announcement()
        try:
            created = consultation_api.create_consultation(token=token(), json=body)
            flash(_("Konsultacje ogłoszone. Dodaj ankietę, dokumenty i spotkania, a potem je otwórz."), "success")
            return redirect(url_for("consultation_staff.dashboard", cid=created["id"]))
        except ApiError as exc:
            errors, status = form_errors(exc)
    return render_template("consultations/staff/announce.html", values=values, errors=errors,
                           form_names=FORM_NAMES, c=None, city_districts=_city_districts(values)), status


@bp.route("/<uuid:cid>/prowadzenie/edycja", methods=["GET", "POST"])
@staff_required
def edit(cid):
    """The announcement changed before the consultation opens; the reason goes to the audit log."""
    consultation = _consultation(cid)
    values, errors, status = _typed_announcement(consultation), {}, 200
    if request.method == "POST":
        body, values = _read_announcement()
        values["reason"] = request.form.get("reason", "").strip()
        try:
            consultation_api.change_consultation(cid, token=token(),
                                                 json={**body, "reason": values["reason"]})
            flash(_("Zmiany w ogłoszeniu zapisane."), "success")
            return redirect(url_for("consultation_staff.dashboard", cid=cid))
        except ApiError as exc:
            errors, status = form_errors(exc)
    return render_template("consultations/staff/announce.html", values=values, errors=errors,
                           form_names=FORM_NAMES, c=consultation, city_districts=_city_districts(values)), status


# -- the dashboard: status, moderators -------------------------------------------------------------------------

@bp.get("/<uuid:cid>/prowadzenie")
@staff_required
def dashboard(cid):
    consultation = _consultation(cid)
    questions = consultation_api.survey(cid)
    documents = consultation_api.documents(cid)
    meetings = consultation_api.meetings(cid)
    try:
        queue = consultation_api.moderation_queue(cid, token=token())
    except ApiError as exc:
        if exc.status != 403:
            raise
        queue = None  # not this consultation's staff: the page says so, the API refuses the rest
    return render_template("consultations/staff/dashboard.html", c=consultation, questions=questions,
                           documents=documents, meetings=meetings, queue=queue)


@bp.post("/<uuid:cid>/prowadzenie/status")
@staff_required
def change_status(cid):
    """Open or close. A close while comments wait for moderation asks first (the report waits for a decision on
    each; published later, they still become remarks)."""
    status, reason = request.form.get("status"), request.form.get("reason", "").strip()
    try:
        consultation_api.change_status(cid, token=token(), json={
            "status": status, "reason": reason, "confirm_pending": request.form.get("confirm_pending") == "yes"})
    except ApiError as exc:
        if exc.type.endswith("/moderation-pending"):
            return render_template("consultations/staff/close_confirm.html", c=_consultation(cid), reason=reason,
                                   message=exc.message()), 409
        flash(exc.message(), "error")
    else:
        flash(_("Zmieniono status konsultacji."), "success")
    return redirect(url_for("consultation_staff.dashboard", cid=cid))


@bp.post("/<uuid:cid>/prowadzenie/moderatorzy")
@staff_required
def assign_moderator(cid):
    _call(partial(consultation_api.assign_moderator, cid), _("Przypisano moderatora."),
          json={"account_id": request.form.get("account_id", "").strip(),
                "reason": request.form.get("moderator_reason", "").strip()})
    return redirect(url_for("consultation_staff.dashboard", cid=cid))


# -- the survey builder ----------------------------------------------------------------------------------------

def _question_rows(questions: list[dict]) -> list[dict]:
    rows = []
    for q in questions:
        spec, condition = q.get("spec") or {}, q.get("condition") or {}
        rows.append({"code": q["code"], "type": q["type"], "text": q["text"], "required": q.get("required"),
                     "options": "\n".join(spec.get("options", [])), "rows": "\n".join(spec.get("rows", [])),
                     "min": spec.get("min", spec.get("min_choices", "")), "max": spec.get("max", spec.get("max_choices", "")),
                     "condition_question": condition.get("question", ""),
                     "condition_any": "\n".join(map(str, condition.get("any_of", [])))})
    return rows


def _read_questions() -> tuple[list[dict], list[dict]]:
    """The builder's rows → (questions to send, rows as typed). An empty row is left out."""
    questions, rows, i = [], [], 0
    while f"q_{i}_text" in request.form:
        row = {k: request.form.get(f"q_{i}_{k}", "").strip() for k in (
            "code", "type", "text", "options", "rows", "min", "max", "condition_question", "condition_any")}
        row["required"] = bool(request.form.get(f"q_{i}_required"))
        rows.append(row)
        i += 1
        if not (row["code"] or row["text"]):
            continue
        spec: dict = {}
        if row["type"] in ("single", "multiple", "ranking"):
            spec["options"] = _lines(row["options"])
        if row["type"] == "matrix":
            spec["rows"] = _lines(row["rows"])
        for bound in ("min", "max"):
            if row[bound]:
                value = int(row[bound]) if row[bound].lstrip("-").isdigit() else row[bound]
                spec[{"multiple": f"{bound}_choices"}.get(row["type"], bound)] = value
        if row["type"] == "numeric":
            spec["integer"] = True
        question = {"code": row["code"], "type": row["type"], "text": row["text"], "required": row["required"],
                    "spec": spec}
        if row["condition_question"]:
            question["condition"] = {"question": row["condition_question"], "any_of": _lines(row["condition_any"])}
        questions.append(question)
    if request.form.get("action") == "add":
        rows.append({"type": "single"})
    return questions, rows


@bp.route("/<uuid:cid>/prowadzenie/ankieta", methods=["GET", "POST"])
@staff_required
def survey_builder(cid):
    consultation = _consultation(cid)
    errors, status = {}, 200
    if request.method == "GET":
        rows = _question_rows(consultation_api.survey(cid)) or [{"type": "single"}]
    else:
        questions, rows = _read_questions()
        if request.form.get("action") != "add":
            try:
                consultation_api.replace_survey(cid, token=token(),
                                                json={"questions": questions})
                flash(ngettext("Ankieta zapisana (%(num)s pytanie).", "Ankieta zapisana (%(num)s pytań).",
                               len(questions)), "success")
                return redirect(url_for("consultation_staff.dashboard", cid=cid))
            except ApiError as exc:
                errors, status = form_errors(exc)
    # the question types are consultation-svc's: the site only names them
    types = consultation_api.question_types(cache_s=IMMUTABLE_S)["types"]
    return render_template("consultations/staff/survey.html", c=consultation, rows=rows, errors=errors,
                           types=types), status


# -- documents and meetings ------------------------------------------------------------------------------------

@bp.route("/<uuid:cid>/prowadzenie/dokumenty/nowy", methods=["GET", "POST"])
@staff_required
def new_document(cid):
    consultation = _consultation(cid)
    values, errors, status, count = {}, {}, 200, 3
    if request.method == "POST":
        values = {k: v.strip() for k, v in request.form.items() if k != "csrf_token"}
        count = sum(1 for k in request.form if k.startswith("sections_") and k.endswith("_body"))
        sections = [{"heading": values.get(f"sections_{i}_heading", ""), "body": values.get(f"sections_{i}_body", "")}
                    for i in range(count) if values.get(f"sections_{i}_body")]
        if request.form.get("action") == "add":
            count += 1
        else:
            try:
                consultation_api.add_document(cid, token=token(),
                                              json={"title": values.get("title", ""), "sections": sections})
                flash(_("Dokument dodany."), "success")
                return redirect(url_for("consultation_staff.dashboard", cid=cid))
            except ApiError as exc:
                errors, status = form_errors(exc)
    return render_template("consultations/staff/document.html", c=consultation, values=values, errors=errors,
                           count=count), status


@bp.route("/<uuid:cid>/prowadzenie/dokumenty/<uuid:did>", methods=["GET", "POST"])
@staff_required
def revise_document(cid, did):
    """A document's sections, each revisable with a reason; a revision is a new version of the section, and
    the comments already made keep pointing at the version they were made on."""
    consultation = _consultation(cid)
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        anchor = request.form.get("anchor", "")
        body_field, reason_field = f"body-{anchor}", f"reason-{anchor}"
        values = {body_field: request.form.get(body_field, "").strip(),
                  reason_field: request.form.get(reason_field, "").strip()}
        try:
            revised = consultation_api.revise_section(cid, did, anchor, token=token(),
                                                      json={"body": values[body_field], "reason": values[reason_field]})
            flash(_("Fragment %(name)s zmieniony (wersja %(version)s).", name=revised["heading"] or anchor,
                    version=revised["version"]),
                  "success")
            return redirect(url_for("consultation_staff.revise_document", cid=cid, did=did) + f"#{anchor}")
        except ApiError as exc:
            found, status = form_errors(exc)
            # the API names body/reason; on this page each section's fields carry its anchor
            errors = {f"{name}-{anchor}" if name in ("body", "reason") else name: message
                      for name, message in found.items()}
    document = consultation_api.document(cid, did)
    return render_template("consultations/staff/document_revise.html", c=consultation, document=document,
                           values=values, errors=errors), status


@bp.route("/<uuid:cid>/prowadzenie/spotkania/nowe", methods=["GET", "POST"])
@staff_required
def new_meeting(cid):
    consultation = _consultation(cid)
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in (
            "title", "place", "online_link", "starts_at", "registration_closes_at", "capacity")}
        body = {"title": values["title"], "place": values["place"] or None, "online_link": values["online_link"] or None,
                "starts_at": from_city_time(values["starts_at"]),
                "registration_closes_at": from_city_time(values["registration_closes_at"]),
                "capacity": int(values["capacity"]) if values["capacity"].isdigit() else values["capacity"]}
        try:
            consultation_api.add_meeting(cid, token=token(), json=body)
            flash(_("Spotkanie zaplanowane."), "success")
            return redirect(url_for("consultation_staff.dashboard", cid=cid))
        except ApiError as exc:
            errors, status = form_errors(exc)
    return render_template("consultations/staff/meeting_new.html", c=consultation, values=values, errors=errors), status


@bp.route("/<uuid:cid>/prowadzenie/spotkania/<uuid:mid>", methods=["GET", "POST"])
@staff_required
def meeting(cid, mid):
    consultation = _consultation(cid)
    if request.method == "POST":
        action = request.form.get("action")
        if action == "attendance":
            _call(partial(consultation_api.record_attendance, mid), _("Zapisano obecność."),
                  json={"present": request.form.getlist("present")})
        elif action == "minutes":
            _call(partial(consultation_api.save_minutes, mid), _("Protokół zapisany."),
                  json={"minutes": request.form.get("minutes", "").strip()})
        elif action == "remark":
            _call(partial(consultation_api.record_meeting_remark, mid), _("Uwaga ze spotkania zapisana."),
                  json={"body": request.form.get("body", "").strip()})
        return redirect(url_for("consultation_staff.meeting", cid=cid, mid=mid))
    found = next((m for m in consultation_api.meetings(cid) if m["id"] == str(mid)), None)
    if found is None:
        abort(404)
    registrations = consultation_api.meeting_registrations(mid, token=token())
    return render_template("consultations/staff/meeting.html", c=consultation, m=found, registrations=registrations)


# -- moderation ------------------------------------------------------------------------------------------------

@bp.route("/<uuid:cid>/prowadzenie/moderacja", methods=["GET", "POST"])
@staff_required
def moderation(cid):
    consultation = _consultation(cid)
    if request.method == "POST":
        if request.form.get("action") == "bulk":  # one decision, one reason, the ticked comments
            chosen = request.form.getlist("comment_ids")
            if not chosen:
                flash(_("Zaznacz komentarze, których dotyczy decyzja."), "error")
            else:
                _call(partial(consultation_api.moderate_comments, cid),
                      ngettext("Decyzja zapisana dla %(num)s komentarza.", "Decyzja zapisana dla %(num)s komentarzy.",
                               len(chosen)),
                      json={"comment_ids": chosen, "decision": request.form.get("decision"),
                            "reason": request.form.get("reason", "").strip()})
            return redirect(url_for("consultation_staff.moderation", cid=cid))
        decision = request.form.get("decision")
        redacted = request.form.get("redacted_body", "").strip() or None if decision == "redact" else None
        _call(partial(consultation_api.moderate_comment, request.form.get("comment_id")), _("Decyzja zapisana."),
              json={"decision": decision, "reason": request.form.get("reason", "").strip(), "redacted_body": redacted})
        return redirect(url_for("consultation_staff.moderation", cid=cid))
    queue = consultation_api.moderation_queue(cid, token=token())
    return render_template("consultations/staff/moderation.html", c=consultation, queue=queue)


@bp.route("/slowa", methods=["GET", "POST"])
@staff_required
def banned_words():
    if request.method == "POST":
        stem = request.form.get("stem", "").strip()
        if request.form.get("action") == "delete":
            _call(partial(consultation_api.remove_banned_word, stem), _("Usunięto słowo „%(stem)s”.", stem=stem))
        else:
            _call(consultation_api.add_banned_word, _("Dodano słowo „%(stem)s”.", stem=stem), json={"stem": stem})
        return redirect(url_for("consultation_staff.banned_words"))
    words = consultation_api.banned_words(token=token())
    return render_template("consultations/staff/banned_words.html", words=words)


# -- remarks and the report ------------------------------------------------------------------------------------

def _is_id(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


@bp.route("/<uuid:cid>/prowadzenie/uwagi", methods=["GET", "POST"])
@staff_required
def remarks(cid):
    consultation = _consultation(cid)
    if request.method == "POST":
        action, rid = request.form.get("action"), request.form.get("remark_id")
        if action == "reply":  # the same reply may also answer the alike remarks ticked beside it
            _call(partial(consultation_api.reply_to_remark, rid),
                  _("Odpowiedź zapisana; czeka na zatwierdzenie."),
                  json={"status": request.form.get("status"), "reply": request.form.get("reply", "").strip(),
                        "also": [other for other in request.form.getlist("also") if _is_id(other)]})
        elif action == "approve":
            _call(partial(consultation_api.approve_reply, rid), _("Odpowiedź zatwierdzona."))
        elif action == "email":
            _call(partial(consultation_api.record_emailed_remark, cid), _("Uwaga z e-maila wprowadzona."), json={
                "body": request.form.get("body", "").strip(), "received": request.form.get("received", "").strip()})
        elif action in ("mark", "unmark"):  # an open survey answer the report must (no longer) answer
            response_id, code = request.form.get("response_id", ""), request.form.get("question_code", "")
            if _is_id(response_id) and code.isidentifier():
                change = (consultation_api.mark_open_answer_as_remark if action == "mark"
                          else consultation_api.unmark_open_answer)
                _call(partial(change, cid, response_id, code),
                      _("Odpowiedź oznaczona jako uwaga.") if action == "mark" else _("Oznaczenie wycofane."))
            return redirect(url_for("consultation_staff.remarks", cid=cid) + "#open-answers")
        anchor = f"#remark-{rid}" if rid and _is_id(rid) else ""  # the form's own value: never a raw header
        return redirect(url_for("consultation_staff.remarks", cid=cid, status=request.args.get("status")) + anchor)
    status = request.args.get("status") or None
    found = consultation_api.remarks(cid, token=token(),
                                     params={"status": status} if status else None)
    try:
        open_answers = consultation_api.open_answers(cid, token=token())
    except ApiError as exc:
        if exc.status != 403:
            raise
        open_answers = []  # a department writing replies does not run the consultation's survey
    return render_template("consultations/staff/remarks.html", c=consultation, remarks=found, status=status,
                           groups=remark_groups(found), numbers={r["id"]: r["number"] for r in found},
                           open_answers=open_answers, outcome_names=OUTCOME_NAMES, kind_names=KIND_NAMES)


@bp.route("/<uuid:cid>/prowadzenie/raport", methods=["GET", "POST"])
@staff_required
def report(cid):
    consultation = _consultation(cid)
    if request.method == "POST":
        if request.form.get("action") == "publish":
            _call(partial(consultation_api.publish_report, cid),
                  _("Raport opublikowany; uczestnicy dostaną odpowiedzi na swoje uwagi."))
        else:
            _call(partial(consultation_api.new_report_version, cid), _("Utworzono nową wersję raportu."))
        return redirect(url_for("consultation_staff.report", cid=cid))
    versions = consultation_api.report_versions(cid, token=token())
    return render_template("consultations/staff/report.html", c=consultation, versions=versions)


@bp.get("/<uuid:cid>/prowadzenie/raport.pdf")
@staff_required
def draft_pdf(cid):
    """The latest version's PDF, draft or not: the draft is the staff's, so it goes through their token."""
    from flask import Response

    found = consultation_api.report_pdf(cid, token=token(),
                                        params={"draft": "true"}, raw=True)
    return Response(found.content, mimetype="application/pdf",
                    headers={"Content-Disposition": found.headers.get("Content-Disposition", "inline")})
