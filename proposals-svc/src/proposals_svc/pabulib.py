"""Pabulib `.pb` files (pabulib.org) as an edition's areas and projects: import for demos and tests, export
of an area's projects in the PROJECTS format.

Only META and PROJECTS are read here; the ballots (VOTES) belong to voting-svc.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from . import events
from .models import Area, Attachment, AuditEntry, Edition, Proposal


@dataclass
class PabulibArea:
    meta: dict[str, str]
    projects: list[dict[str, str]]

    @property
    def name(self) -> str:
        return self.meta.get("district") or self.meta.get("subunit") or f"{self.meta.get('unit', 'Miasto')} — ogólnomiejski"

    @property
    def kind(self) -> str | None:
        """city or district, as the file says (Glos's own export says `area_kind`; Pabulib says `district`); None
        when it cannot tell — a `subunit` may be a district or a part of the city."""
        if self.meta.get("area_kind") in ("city", "district"):
            return self.meta["area_kind"]
        if self.meta.get("district"):
            return "district"
        return None if self.meta.get("subunit") else "city"

    def number(self, project: dict) -> str:
        """The project's number as the city used it: Glos's export carries it as `number` beside the id."""
        return (project.get("number") or "").strip() or project["project_id"]


def _invalid(source: str, pl: str, en: str) -> Problem:
    return Problem(422, f"{source}: {pl}", f"{source}: {en}", errors=[
        {"location": "file", "field": source, "message": pl, "message_en": en}])


def read(text: str, source: str = "file") -> PabulibArea:
    section, header = None, None
    meta: dict[str, str] = {}
    projects: list[dict[str, str]] = []
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if not row:
            continue
        if len(row) == 1 and row[0].strip() in ("META", "PROJECTS", "VOTES"):
            section, header = row[0].strip(), None
            if section == "VOTES":
                break
            continue
        if header is None:
            header = [h.strip() for h in row]
            continue
        values = dict(zip(header, (v.strip() for v in row)))
        if section == "META":
            meta[values.get("key", "")] = values.get("value", "")
        elif section == "PROJECTS":
            projects.append(values)
    if not meta or "budget" not in meta:
        raise _invalid(source, "brak sekcji META z budżetem.", "no META section with a budget.")
    if not projects:
        raise _invalid(source, "brak projektów (sekcja PROJECTS).", "no projects (PROJECTS section).")
    for p in projects:
        if not p.get("project_id") or not p.get("cost", "").replace(".", "", 1).isdigit():
            raise _invalid(source, f"projekt {p.get('project_id')!r} bez poprawnego kosztu.",
                           f"project {p.get('project_id')!r} has no valid cost.")
    return PabulibArea(meta, projects)


def import_areas(session: Session, edition: Edition, files: list[tuple[str, str]], *, actor: str,
                 kind: str | None = None) -> list[Area]:
    """Each file becomes an area of the edition with its projects as qualified proposals — all or nothing."""
    areas = []
    for source, text in files:
        parsed = read(text, source)
        if session.scalar(select(Area.id).where(Area.edition_id == edition.id, Area.name == parsed.name)):
            raise _invalid(source, f"obszar „{parsed.name}” już istnieje w tej edycji.",
                           f"area '{parsed.name}' already exists in this edition.")
        area_kind = parsed.kind or kind
        if area_kind is None:
            raise Problem(422, f"{source}: plik nie mówi, czy obszar „{parsed.name}” jest osiedlowy, czy "
                               "ogólnomiejski — wybierz rodzaj obszaru.",
                          f"{source}: the file does not say whether '{parsed.name}' is a district or city-wide — "
                          "choose the area's kind.", type_="https://glos.pl/problems/validation",
                          errors=[{"location": "query", "field": "kind", "message": "Wybierz rodzaj obszaru.",
                                   "message_en": "Choose the area's kind."}])
        area = Area(edition_id=edition.id, name=parsed.name, kind=area_kind,
                    budget=int(float(parsed.meta["budget"])))
        session.add(area)
        session.flush()
        events.area_created(session, area)
        session.add(AuditEntry(actor=actor, action="area.imported", target=str(area.id), reason=f"Pabulib: {source}",
                               details={"name": area.name, "projects": len(parsed.projects)}))
        for project in parsed.projects:
            latitude, longitude = _coordinate(project.get("latitude"), 90), _coordinate(project.get("longitude"), 180)
            number = parsed.number(project)
            proposal = Proposal(edition_id=edition.id, area_id=area.id, external_id=number,
                                title=(project.get("name") or f"Projekt {number}")[:200],
                                description="", cost=int(float(project["cost"])), author="import:pabulib",
                                status="qualified", category=(project.get("category") or "").split(",")[0][:100] or None,
                                latitude=latitude if longitude is not None else None,
                                longitude=longitude if latitude is not None else None)
            session.add(proposal)
            session.flush()
            events.proposal_submitted(session, proposal)
        areas.append(area)
    return areas


def _coordinate(text: str | None, limit: float) -> float | None:
    """A Pabulib latitude/longitude column (optional; some files leave cells empty)."""
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and -limit <= value <= limit else None


def export_area(session: Session, edition: Edition, area: Area) -> str:
    """The area's projects as a Pabulib file (META + PROJECTS; ballots live in voting-svc)."""
    proposals = session.scalars(select(Proposal).where(Proposal.area_id == area.id)
                                .order_by(Proposal.external_id, Proposal.created_at)).all()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    out.write("META\n")
    writer.writerow(["key", "value"])
    meta = [("description", f"{edition.name} — {area.name}"), ("country", "Poland"), ("unit", edition.city),
            ("instance", str(edition.year)), ("num_projects", str(len(proposals))), ("num_votes", "0"),
            ("budget", str(area.budget)), ("vote_type", "approval"), ("rule", "greedy"), ("language", "pl"),
            ("currency", "PLN")]
    if area.kind == "district":
        meta.insert(3, ("district", area.name))
    for key, value in meta:
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    writer.writerow(["project_id", "cost", "name"])
    for p in proposals:
        writer.writerow([p.external_id or str(p.id), p.cost, p.title])
    out.write("VOTES\n")
    writer.writerow(["voter_id", "vote"])
    return out.getvalue()


def showcase(session: Session, edition: Edition, texts: dict, *, actor: str) -> int:
    """Demo texts for imported projects (a Pabulib file has only titles and costs): description, category,
    address, and a generated picture standing in for a photo — so a demo edition looks like a city's."""
    from PIL import Image, ImageDraw  # Pillow: proposals-svc re-encodes uploaded images with it

    done = 0
    for proposal in session.scalars(select(Proposal).where(Proposal.edition_id == edition.id)):
        text = texts.get(proposal.external_id)
        if not text:
            continue
        proposal.description = text.get("description") or proposal.description
        proposal.category = text.get("category") or proposal.category
        proposal.location_address = text.get("location_address") or proposal.location_address
        if text.get("photo"):
            picture = Image.new("RGB", (640, 400), tuple(text["photo"]))
            draw = ImageDraw.Draw(picture)
            draw.rectangle((0, 260, 640, 400), fill=(90, 140, 70))  # a lawn under a sky of the project's colour
            draw.ellipse((430, 40, 530, 140), fill=(250, 220, 120))
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=80)
            content = out.getvalue()
            session.add(Attachment(proposal_id=proposal.id, filename=f"{proposal.external_id.replace('/', '-')}.jpg",
                                   content_type="image/jpeg", size=len(content),
                                   sha256=hashlib.sha256(content).hexdigest(), content=content, uploaded_by=actor))
        done += 1
    return done
