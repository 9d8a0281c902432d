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
