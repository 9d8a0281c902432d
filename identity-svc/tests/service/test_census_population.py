"""Eligible residents by district and age band (issue 25, point 4): counts from the active register — the birth
date a PESEL encodes is kept beside its keyed hash — on a voting day, for the results' turnout. Never a person."""

from __future__ import annotations

from glos_testing import make_pesel
from identity_service_kit import api

ROWS = [(make_pesel(2010, 1, 15, 11), "Ala", "Młoda", "Dąb"),      # 17 on the voting day
        (make_pesel(2011, 9, 1, 12), "Ola", "Młodsza", "Dąb"),      # 15: not yet eligible at 16
        (make_pesel(1990, 5, 20, 13), "Jan", "Kowalski", "Dąb"),    # 37
        (make_pesel(1950, 3, 3, 14), "Ewa", "Starsza", "Załęże"),   # 77
        (make_pesel(2011, 5, 30, 15), "Kuba", "Urodzinowy", "Załęże")]  # 16 exactly on the voting day


def test_eligible_residents_by_district_and_age_band_on_the_voting_day(svc, official_headers):
    assert api(svc, "GET", "/census/population", params={"on": "2027-05-30"}).status_code == 404  # no register yet
    body = "pesel;first_name;last_name;district\n" + "".join(";".join(r) + "\n" for r in ROWS)
    imported = api(svc, "POST", "/census", {**official_headers, "Content-Type": "text/csv"}, data=body.encode(),
                   params={"reason": "rejestr 2027"})
    assert imported.status_code == 200, imported.json
    found = api(svc, "GET", "/census/population", params={"on": "2027-05-30", "min_age": 16})
    assert found.status_code == 200
    assert found.json["total"] == 4 and found.json["min_age"] == 16
    by_district = {d["district"]: d for d in found.json["districts"]}
    assert by_district["Dąb"] == {"district": "Dąb", "eligible": 2, "age_bands": {"<18": 1, "30-44": 1}}
    assert by_district["Załęże"] == {"district": "Załęże", "eligible": 2, "age_bands": {"75+": 1, "<18": 1}}
    everyone = api(svc, "GET", "/census/population", params={"on": "2027-05-30"}).json
    assert everyone["total"] == 5
    assert "pesel" not in str(everyone).lower() and "Kowalski" not in str(everyone)
    assert api(svc, "GET", "/census/population", params={"on": "jutro"}).status_code == 422
