"""Importing one area from a Pabulib file through the API: the office only, once per area, and a bad file
changes nothing — not even the area or the first project."""

from __future__ import annotations

from pathlib import Path

from proposals_service_kit import api

KATOWICE = sorted((Path(__file__).resolve().parents[3] / "data" / "pabulib" / "katowice-2020").glob("*.pb"))


def test_importing_one_area_through_the_api_and_refusing_bad_files(svc, official):
    resident = svc.caller("resident")
    edition = api(svc, "POST", "/editions", official.headers,
                  json={"name": "BO import API", "city": "Katowice", "year": 2020})
    url = f"/editions/{edition.json['id']}/areas/pabulib"
    source = KATOWICE[1]
    upload = {"data": source.read_bytes(), "params": {"source": source.name}}
    assert api(svc, "POST", url, {**resident.headers, "Content-Type": "text/plain"}, **upload).status_code == 403
    created = api(svc, "POST", url, {**official.headers, "Content-Type": "text/plain"}, **upload)
    assert created.status_code == 201, created.text
    assert created.json["kind"] == "district"
    again = api(svc, "POST", url, {**official.headers, "Content-Type": "text/plain"}, **upload)
    assert again.status_code == 422 and again.json["errors"][0]["field"] == source.name

    def counts():
        return svc.database.rows("SELECT (SELECT count(*) FROM areas), (SELECT count(*) FROM proposals), "
                                 "(SELECT count(*) FROM outbox)")[0]

    before = counts()
    broken = "META\nkey;value\nbudget;1000\nPROJECTS\nproject_id;cost;name\n1;100;Dobry\n2;drogo;Zły\n"
    r = api(svc, "POST", url, {**official.headers, "Content-Type": "text/plain"}, data=broken.encode(),
            params={"source": "zly.pb"})
    assert r.status_code == 422 and "drogo" not in r.text and "'2'" in r.json["detail"]
    assert counts() == before  # nothing half-written: not even the area or the first project


def test_the_demo_s_texts_and_pictures_reach_the_imported_projects(svc, official):
    """The demo's voting edition must look like a city's (issue 23, point 3): `import-pabulib --showcase` gives
    some imported projects a description, a category, an address and a picture, served as a proposal's photo."""
    import json

    from glos_chassis.db import session_scope
    from proposals_svc import pabulib
    from proposals_svc.models import Edition

    edition = api(svc, "POST", "/editions", official.headers,
                  json={"name": "BO demo", "city": "Katowice", "year": 2026}).json
    dab = next(path for path in KATOWICE if path.name.endswith("_Dab.pb"))
    assert api(svc, "POST", f"/editions/{edition['id']}/areas/pabulib", {**official.headers,
               "Content-Type": "text/plain"}, data=dab.read_bytes(), params={"source": dab.name}).status_code == 201
    texts = json.loads((Path(__file__).resolve().parents[3] / "devstack" / "demo_showcase.json").read_text())
    with svc.app.app_context(), session_scope(svc.sessions) as session:
        assert pabulib.showcase(session, session.get(Edition, edition["id"]), texts, actor="test") == 5
    projects = {p["external_id"]: p for p in api(svc, "GET", f"/editions/{edition['id']}/proposals").json}
    library = projects["L10/01/VII"]
    assert library["description"].startswith("Filia nr 17") and library["category"] == "kultura"
    assert library["location_address"] == "ul. Krzyżowa 2, Katowice (filia nr 17)"
    [photo] = api(svc, "GET", f"/proposals/{library['id']}/attachments").json
    assert photo["content_type"] == "image/jpeg"
    picture = api(svc, "GET", f"/proposals/{library['id']}/attachments/{photo['id']}")
    assert picture.status_code == 200 and picture.data[:3] == b"\xff\xd8\xff"  # a JPEG
    assert not api(svc, "GET", f"/proposals/{projects['L10/04/VII']['id']}/attachments").json  # no picture asked


DAB_OUTLINE = {"type": "Polygon", "coordinates": [[[18.985, 50.265], [19.02, 50.265], [19.02, 50.285],
                                                    [18.985, 50.285], [18.985, 50.265]]]}


def test_the_areas_outlines_come_from_the_city_s_gis_file_all_or_nothing(svc, official):
    """Issue 23 (5): the map reads without a tile server when the areas have their outlines. One GeoJSON
    FeatureCollection, features named as the areas; a broken file changes nothing and says why."""
    edition = api(svc, "POST", "/editions", official.headers,
                  json={"name": "BO obrysy", "city": "Katowice", "year": 2027}).json
    for name in ("Dąb", "Załęże"):
        assert api(svc, "POST", f"/editions/{edition['id']}/areas", official.headers,
                   json={"name": name, "kind": "district", "budget": 100_000}).status_code == 201
    url = f"/editions/{edition['id']}/area-outlines"

    def put(collection, headers=official.headers, **kwargs):
        import json
        return api(svc, "PUT", url, {**headers, "Content-Type": "application/geo+json"},
                   data=json.dumps(collection).encode(), params={"reason": "granice z GIS miasta"}, **kwargs)

    feature = {"type": "Feature", "properties": {"name": "dąb"}, "geometry": DAB_OUTLINE}
    broken = {"type": "Feature", "properties": {"name": "Załęże"},
              "geometry": {"type": "Polygon", "coordinates": [[[19.0, 50.2], [19.1, 50.2], [19.1, 50.3]]]}}
    assert put({"type": "FeatureCollection", "features": [feature]}, svc.caller("resident").headers).status_code == 403
    refused = put({"type": "FeatureCollection", "features": [feature, broken]})
    assert refused.status_code == 422 and "Załęże" in refused.json["detail"]
    assert put({"type": "Feature"}).status_code == 422
    assert put({"type": "FeatureCollection", "features": [{**feature, "properties": {"name": "Ligota"}}]}
               ).json["errors"][0]["field"] == "outlines"
    assert api(svc, "GET", url).json["features"] == []  # nothing half-written
    done = put({"type": "FeatureCollection", "features": [feature, {**feature, "properties": {"name": "Ligota"}}]})
    assert done.status_code == 200, done.text
    assert done.json == {"matched": ["Dąb"], "unmatched": ["Ligota"]}
    [outline] = api(svc, "GET", url).json["features"]
    assert outline["geometry"] == DAB_OUTLINE and outline["properties"]["name"] == "Dąb"
    [(details,)] = svc.database.rows("SELECT details FROM audit_log WHERE action = 'areas.outlines_imported'")
    assert details == {"areas": ["Dąb"], "unmatched": ["Ligota"]}


def _glos_export(area_kind: str, *, with_district_key: bool) -> str:
    """One area's file as voting-svc's results export writes it (`area_kind`, `subunit`, proposal UUIDs as
    project ids, the ballot numbers in `number`); `with_district_key=False` is the export before issue 27 (6)."""
    import csv
    import io
    import uuid

    rows = [("description", "Glos: BO Katowice 2027 — Dąb"), ("country", "Poland"), ("unit", "Katowice"),
            ("instance", "2027"), ("subunit", "Dąb"), ("num_projects", "2"), ("num_votes", "0"),
            ("budget", "600000"), ("vote_type", "approval"), ("rule", "greedy"), ("area_kind", area_kind)]
    if with_district_key and area_kind == "district":
        rows.append(("district", "Dąb"))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows([("META",), ("key", "value"), *rows, ("PROJECTS",),
                      ("project_id", "cost", "votes", "score", "name", "number"),
                      (str(uuid.uuid4()), 120000, 5, 5, "Ławki nad stawem", "D/01"),
                      (str(uuid.uuid4()), 80000, 3, 3, "Stojaki na rowery", "D/02"), ("VOTES",), ("voter_id", "vote")])
    return out.getvalue()


def test_what_glos_exports_glos_imports_as_it_was(svc, official):
    """Issue 27 (6): the site's own results export (`001_Dąb.pb`: a `subunit`, no `district`, UUID project ids)
    came back as a city-wide area numbered by UUID. Now the area kind and the numbers come back, and a file
    that cannot say whether its `subunit` is a district asks."""
    edition = api(svc, "POST", "/editions", official.headers, json={"name": "BO reimport", "city": "Katowice",
                                                                    "year": 2027}).json["id"]
    url = f"/editions/{edition}/areas/pabulib"
    headers = {**official.headers, "Content-Type": "text/plain"}
    for with_key in (False, True):  # an export from before this fix, and one from after
        created = api(svc, "POST", url, headers, data=_glos_export("district", with_district_key=with_key).encode(),
                      params={"source": "001_Dąb.pb"})
        assert created.status_code == 201, created.json
        assert (created.json["name"], created.json["kind"]) == ("Dąb", "district")
        numbers = [p[0] for p in svc.database.rows(
            "SELECT external_id FROM proposals WHERE area_id = :a ORDER BY external_id", a=created.json["id"])]
        assert numbers == ["D/01", "D/02"]
        # the next round imports the same area into a fresh edition
        edition = api(svc, "POST", "/editions", official.headers, json={"name": f"BO reimport {with_key}",
                                                                        "city": "Katowice", "year": 2027}).json["id"]
        url = f"/editions/{edition}/areas/pabulib"

    bare = _glos_export("district", with_district_key=False).replace("area_kind;district\n", "")
    asked = api(svc, "POST", url, headers, data=bare.encode(), params={"source": "dab.pb"})
    assert asked.status_code == 422 and asked.json["errors"][0]["field"] == "kind"
    assert "Dąb" in asked.json["detail"]
    told = api(svc, "POST", url, headers, data=bare.encode(), params={"source": "dab.pb", "kind": "district"})
    assert told.status_code == 201 and told.json["kind"] == "district"
