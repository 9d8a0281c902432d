"""The consultation report: the survey's results with charts, the meetings, and every remark with the city's
reply — as HTML (for the web) and PDF (for the record and the print shop), versioned.

A version can be made once the consultation is closed, no comment waits for moderation, and every remark is
answered and approved. Remarks are grouped by what they are about and numbered; a reply shared by several
remarks says which; what moderation hid is counted by reason. Publishing
the latest version announces `report.published` and tells every participant what became of their own
remarks (a `notification.requested` each).
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import comments, events, remarks, surveys
from .shared import audit
from .models import Comment, Consultation, Meeting, Question, Registration, ReportVersion, SurveyResponse

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core: Polish letters in the PDF
_templates = Environment(loader=PackageLoader("consultation_svc", "templates"), autoescape=select_autoescape())


def survey_results(session: Session, consultation: Consultation, by: str | None = None) -> dict:
    questions = list(session.scalars(select(Question).where(Question.consultation_id == consultation.id)
                                     .order_by(Question.position)))
    rows = session.execute(select(SurveyResponse.answers, SurveyResponse.district, SurveyResponse.age_band)
                           .where(SurveyResponse.consultation_id == consultation.id)).all()
    return surveys.aggregate(questions, [tuple(r) for r in rows], by=by)


def _bars(summary: dict) -> list[tuple[str, float, int]]:
    """(label, share of the longest bar, count) for a question's chart, or [] when it has none."""
    if "counts" in summary:
        counts = summary["counts"]
    elif "first_choice" in summary:
        counts = summary["first_choice"]
    elif "rows" in summary:
        counts = {row: value["mean"] or 0 for row, value in summary["rows"].items()}
    else:
        return []
    top = max(counts.values(), default=0) or 1
    return [(str(label), value / top, value) for label, value in counts.items()]


def _context(session: Session, consultation: Consultation, version: int) -> dict:
    results = survey_results(session, consultation)
    for summary in results["questions"]:
        summary["bars"] = _bars(summary)
    meetings = session.scalars(select(Meeting).where(Meeting.consultation_id == consultation.id)
                               .order_by(Meeting.starts_at)).all()
    attendance = {m.id: session.scalar(select(func.count()).select_from(Registration).where(
        Registration.meeting_id == m.id, Registration.attended.is_(True))) for m in meetings}
    groups = remarks.grouped(session, consultation)
    all_remarks = [remark for group in groups for remark in group.remarks]
    tally = {outcome: sum(1 for r in all_remarks if r.status == outcome) for outcome in remarks.OUTCOMES}
    numbers = {r.id: r.number for r in all_remarks}
    shared_by: dict = {}  # a reply's remark → the numbers of the remarks that share it
    for r in all_remarks:
        if r.shares_reply_of in numbers:
            shared_by.setdefault(r.shares_reply_of, []).append(r.number)
    return {"c": consultation, "version": version, "results": results, "meetings": meetings,
            "attendance": attendance, "remarks": all_remarks, "groups": groups, "numbers": numbers,
            "shared_by": shared_by, "tally": tally, "outcome_pl": remarks.OUTCOME_PL, "kind_pl": remarks.KIND_PL,
            "moderation": remarks.moderation_summary(session, consultation), "made_at": datetime.now(UTC)}


def _reply_cell(context: dict, remark) -> str:
    """The reply as the PDF shows it, with which remarks share it."""
    text = remark.reply or ""
    if context["shared_by"].get(remark.id):
        text += f" (Ta odpowiedź dotyczy też uwag nr {', '.join(map(str, context['shared_by'][remark.id]))}.)"
    if remark.shares_reply_of in context["numbers"]:
        text += f" (Odpowiedź wspólna z uwagą nr {context['numbers'][remark.shares_reply_of]}.)"
    return text


def render_html(context: dict) -> str:
    return _templates.get_template("report.html").render(**context)


def render_pdf(context: dict) -> bytes:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=9.5, leading=13)
    h1 = ParagraphStyle("h1", parent=body, fontName="DejaVu-Bold", fontSize=16, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontName="DejaVu-Bold", fontSize=12, leading=16, spaceBefore=10)
    c = context["c"]

    def p(text, style=body):
        return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;"), style)

    story = [p(f"Raport z konsultacji społecznych: {c.subject}", h1),
             p(f"Wersja {context['version']} · {context['made_at']:%Y-%m-%d %H:%M} UTC · "
               f"obszar: {', '.join(c.scope_districts) or 'całe miasto'} · odpowiedzi w ankiecie: "
               f"{context['results']['responses']}"), Spacer(1, 4 * mm)]
    if context["results"]["questions"]:
        story.append(p("Wyniki ankiety", h2))
    for summary in context["results"]["questions"]:
        story.append(p(f"{summary['code']}. {summary['text']} (odpowiedzi: {summary['answered']})", body))
        if summary["bars"]:
            drawing = Drawing(160 * mm, 8 * mm * len(summary["bars"]) + 12 * mm)  # room below for the axis labels
            chart = HorizontalBarChart()
            chart.x, chart.y = 55 * mm, 8 * mm
            chart.width, chart.height = 95 * mm, 8 * mm * len(summary["bars"])
            chart.data = [[value for _, _, value in reversed(summary["bars"])]]
            chart.categoryAxis.categoryNames = [label[:40] for label, _, _ in reversed(summary["bars"])]
            chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = "DejaVu"
            chart.valueAxis.valueMin = 0
            top = max(value for _, _, value in summary["bars"]) or 1
            if all(float(value).is_integer() for _, _, value in summary["bars"]):  # counts: whole-number steps
                chart.valueAxis.valueStep = max(1, round(top / 5))
            chart.bars[0].fillColor = colors.HexColor("#1f5fa8")
            drawing.add(chart)
            story.append(drawing)
        elif summary.get("mean") is not None:
            story.append(p(f"Średnia: {summary['mean']}"))
    if context["meetings"]:
        story.append(p("Spotkania", h2))
        for m in context["meetings"]:
            story.append(p(f"{m.title} — {m.starts_at:%Y-%m-%d %H:%M} UTC, {m.place or m.online_link}; "
                           f"obecnych: {context['attendance'][m.id]}. Protokół: {m.minutes or 'brak'}"))
    story.append(p("Uwagi i odpowiedzi miasta", h2))
    story.append(p(f"Uwag: {len(context['remarks'])}; każda ma odpowiedź. " + " · ".join(
        f"{context['outcome_pl'][k]}: {v}" for k, v in context["tally"].items())))
    moderation = context["moderation"]
    if moderation["hidden"]:
        story.append(p(f"Moderacja ukryła komentarzy: {moderation['hidden']} (nie są uwagami w raporcie) — " + "; ".join(
            f"{row['reason'] or 'bez podanego powodu'}: {row['count']}" for row in moderation["hidden_by_reason"]) + "."))
    else:
        story.append(p("Moderacja nie ukryła żadnego komentarza."))
    if moderation["redacted"]:
        story.append(p(f"Z komentarzy usunięto dane osobowe: {moderation['redacted']}."))
    for group in context["groups"]:
        story.append(p(group.label, ParagraphStyle("h3", parent=body, fontName="DejaVu-Bold", spaceBefore=6)))
        rows = [[p("Nr"), p("Rodzaj"), p("Uwaga"), p("Rozstrzygnięcie"), p("Odpowiedź i uzasadnienie")]]
        rows += [[p(r.number), p(context["kind_pl"][r.kind]), p(r.body), p(context["outcome_pl"][r.status]),
                  p(_reply_cell(context, r))] for r in group.remarks]
        table = Table(rows, colWidths=[10 * mm, 20 * mm, 58 * mm, 26 * mm, 60 * mm], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6"))]))
        story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=f"Raport: {c.subject}", author="Glos", leftMargin=16 * mm,
                      rightMargin=16 * mm, topMargin=16 * mm, bottomMargin=16 * mm, invariant=1).build(story)
    return out.getvalue()


def make_version(session: Session, consultation: Consultation, *, actor: str) -> ReportVersion:
    if consultation.status not in ("closed", "report_published"):
        raise Problem(409, "Raport powstaje po zamknięciu konsultacji.", "The report is made after the close.",
                      type_="https://glos.pl/problems/not-closed")
    waiting = comments.queue_size(session, consultation)
    if waiting:
        raise Problem(409, f"W kolejce moderacji czeka komentarzy: {waiting}; raport powstaje po decyzji o każdym.",
                      f"{waiting} comment(s) wait for moderation; the report is made after a decision on each.",
                      type_="https://glos.pl/problems/moderation-pending")
    left = remarks.unfinished(session, consultation)
    if left["unanswered"] or left["unapproved"]:
        raise Problem(409, f"Raport musi odpowiadać na każdą uwagę: bez odpowiedzi {left['unanswered']}, "
                           f"niezatwierdzonych {left['unapproved']}.",
                      f"Every remark needs an approved reply: {left['unanswered']} unanswered, "
                      f"{left['unapproved']} unapproved.", type_="https://glos.pl/problems/remarks-open")
    version = (session.scalar(select(func.max(ReportVersion.version)).where(
        ReportVersion.consultation_id == consultation.id)) or 0) + 1
    context = _context(session, consultation, version)
    html = render_html(context)
    pdf = render_pdf(context)
    report = ReportVersion(consultation_id=consultation.id, version=version, html=html, pdf=pdf,
                           sha256=hashlib.sha256(pdf).hexdigest(), created_by=actor)
    session.add(report)
    session.flush()
    return report


def latest(session: Session, consultation: Consultation, *, published_only: bool) -> ReportVersion:
    query = select(ReportVersion).where(ReportVersion.consultation_id == consultation.id)
    if published_only:
        query = query.where(ReportVersion.published)
    report = session.scalar(query.order_by(ReportVersion.version.desc()).limit(1))
    if report is None:
        raise Problem(404, "Raportu jeszcze nie ma.", "There is no report yet.")
    return report


def versions(session: Session, consultation: Consultation) -> list[ReportVersion]:
    return list(session.scalars(select(ReportVersion).where(ReportVersion.consultation_id == consultation.id)
                                .order_by(ReportVersion.version.desc())))


def participants(session: Session, consultation: Consultation) -> set[str]:
    """Everyone who took part under their account: commenters, respondents, meeting registrants, remark authors."""
    found = set(session.scalars(select(Comment.author).where(Comment.consultation_id == consultation.id)))
    found |= set(session.scalars(select(SurveyResponse.respondent).where(
        SurveyResponse.consultation_id == consultation.id, SurveyResponse.respondent.is_not(None))))
    found |= set(session.scalars(select(Registration.account_id).join(Meeting).where(
        Meeting.consultation_id == consultation.id, Registration.status != "cancelled")))
    found |= {r.author for r in remarks.of(session, consultation) if r.author}
    return found


def publish(session: Session, consultation: Consultation, *, actor: str) -> ReportVersion:
    report = latest(session, consultation, published_only=False)
    if report.published:
        raise Problem(409, f"Wersja {report.version} jest już opublikowana.", f"Version {report.version} is published.")
    left = remarks.unfinished(session, consultation)  # a reply changed after the version was made
    if left["unanswered"] or left["unapproved"]:
        raise Problem(409, "Od utworzenia tej wersji zmieniono odpowiedzi; utwórz nową wersję.",
                      "Replies changed since this version was made; make a new version.")
    report.published = True
    consultation.status = "report_published"
    audit(session, actor, "report.published", consultation.id, f"raport w wersji {report.version}",
          sha256=report.sha256)
    events.publish(session, "report.published", consultation, version=report.version, sha256=report.sha256)
    by_author: dict[str, list] = {}
    for remark in remarks.of(session, consultation):
        if remark.author:
            by_author.setdefault(remark.author, []).append(
                {"remark_id": str(remark.id), "number": remark.number, "kind": remark.kind, "status": remark.status,
                 "reply": remark.reply})
    for account in sorted(participants(session, consultation)):
        events.notify(session, consultation, account, "report.outcome", version=report.version,
                      subject=consultation.subject, remarks=by_author.get(account, []))
    return report
