"""Areas' outlines on the map, from the city's GIS file: one GeoJSON FeatureCollection whose features name their
area (`properties.name`, as the areas are named). Only Polygons and MultiPolygons in longitude/latitude are taken;
a file that names no area of the edition, or holds a broken shape, changes nothing and says why."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from glos_chassis.errors import Problem

from .models import Area, AuditEntry, Edition

MAX_POINTS = 200_000  # a whole city's districts at survey detail; more is not a boundary a map needs


def _refused(pl: str, en: str) -> Problem:
    return Problem(422, pl, en, errors=[{"location": "file", "field": "outlines", "message": pl, "message_en": en}])


def _rings_valid(polygon) -> bool:
    if not isinstance(polygon, list) or not polygon:
        return False
    for ring in polygon:
        if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
            return False
        for point in ring:
            if not (isinstance(point, list) and len(point) >= 2 and all(isinstance(c, int | float) for c in point[:2])
                    and -180 <= point[0] <= 180 and -90 <= point[1] <= 90):
                return False
    return True


def geometry_of(feature: dict) -> dict:
    geometry = feature.get("geometry") or {}
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else None
    if polygons is None or not polygons or not all(_rings_valid(p) for p in polygons):
        name = (feature.get("properties") or {}).get("name", "?")
        raise _refused(f"Obrys „{name}” nie jest poprawnym wielokątem GeoJSON (długość, szerokość).",
                       f"The outline of '{name}' is not a valid GeoJSON polygon (longitude, latitude).")
    return {"type": kind, "coordinates": coordinates}


def import_outlines(session: Session, edition: Edition, collection: dict, *, actor: str, reason: str) -> dict:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" or \
            not isinstance(collection.get("features"), list):
        raise _refused("Plik musi być kolekcją obiektów GeoJSON (FeatureCollection).",
                       "The file must be a GeoJSON FeatureCollection.")
    areas = {a.name.casefold(): a for a in session.scalars(select(Area).where(Area.edition_id == edition.id))}
    matched, unmatched, points = {}, [], 0
    for feature in collection["features"]:
        name = str((feature.get("properties") or {}).get("name", "")).strip()
        area = areas.get(name.casefold())
        if area is None:
            unmatched.append(name)
            continue
        geometry = geometry_of(feature)
        points += sum(len(ring) for polygon in ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                                                else geometry["coordinates"]) for ring in polygon)
        matched[area.id] = (area, geometry)
    if points > MAX_POINTS:
        raise _refused(f"Obrysy mają {points} punktów; uprość je do {MAX_POINTS}.",
                       f"The outlines have {points} points; simplify them to {MAX_POINTS}.")
    if not matched:
        raise _refused("Żaden obiekt w pliku nie nazywa się jak obszar tej edycji (properties.name).",
                       "No feature in the file is named as an area of this edition (properties.name).")
    for area, geometry in matched.values():
        area.outline = geometry
    session.add(AuditEntry(actor=actor, action="areas.outlines_imported", target=str(edition.id), reason=reason,
                           details={"areas": sorted(a.name for a, _ in matched.values()), "unmatched": unmatched}))
    return {"matched": sorted(a.name for a, _ in matched.values()), "unmatched": unmatched}


def outlines_of(session: Session, edition_id) -> dict:
    """The edition's outlines as one FeatureCollection for the map."""
    areas = session.scalars(select(Area).where(Area.edition_id == edition_id, Area.outline.is_not(None))
                            .order_by(Area.kind, Area.name))
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": a.outline,
         "properties": {"area_id": str(a.id), "name": a.name, "kind": a.kind}} for a in areas]}
