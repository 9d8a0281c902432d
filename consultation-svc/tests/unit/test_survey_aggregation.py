"""Survey aggregation on a generated data set of 10,000 responses, checked against numbers worked out by hand
from how the data set is built (no aggregation code is reused to get the expected values)."""

from __future__ import annotations

from types import SimpleNamespace

from consultation_svc.surveys import aggregate, check_answers, responses_csv

N = 10_000
DISTRICTS = ["Dąb", "Ligota", "Zawodzie", "Koszutka"]  # i % 4
BANDS = ["18-29", "30-44", "45-59", "60-74", "75+"]  # i % 5


def question(code, type_, **spec):
    return SimpleNamespace(code=code, type=type_, text=code, spec=spec, condition=None, required=False)


QUESTIONS = [
    question("single", "single", options=["tak", "nie", "nie wiem"]),
    question("multi", "multiple", options=["a", "b", "c"], min_choices=0, max_choices=3),
    question("scale", "scale", min=1, max=5),
    question("rank", "ranking", options=["x", "y", "z"]),
    question("num", "numeric", min=0, max=1000),
    question("text", "long_text"),
    question("grid", "matrix", rows=["r1", "r2"], min=1, max=5),
]
ORDERS = [["x", "y", "z"], ["y", "z", "x"], ["z", "x", "y"]]  # i % 3
MULTI = [["a"], ["a", "b"], ["b", "c"], []]  # i % 4


def generated():
    for i in range(N):
        answers = {"single": ["tak", "nie", "nie wiem"][i % 3], "scale": 1 + i % 5, "rank": ORDERS[i % 3],
                   "num": i % 100, "grid": {"r1": 1 + i % 5, "r2": 5}}
        if MULTI[i % 4]:
            answers["multi"] = MULTI[i % 4]
        if i % 10 == 0:
            answers["text"] = f"uwaga {i}"
        yield answers, DISTRICTS[i % 4], BANDS[i % 5]


def test_ten_thousand_responses_aggregate_to_the_hand_computed_numbers():
    rows = list(generated())
    assert all(not check_answers(QUESTIONS, answers) for answers, _, _ in rows[:50])  # the data set is valid
    result = aggregate(QUESTIONS, rows)
    q = {s["code"]: s for s in result["questions"]}
    assert result["responses"] == 10_000

    # single: i % 3 → 3334 "tak" (0, 3, …, 9999), 3333 each of the others
    assert q["single"]["counts"] == {"tak": 3334, "nie": 3333, "nie wiem": 3333}
    assert q["single"]["percent"] == {"tak": 33.3, "nie": 33.3, "nie wiem": 33.3}
    # multiple: 2500 each of [a], [a,b], [b,c], [] → answered 7500; a 5000, b 5000, c 2500 (share of answering)
    assert q["multi"]["answered"] == 7500
    assert q["multi"]["counts"] == {"a": 5000, "b": 5000, "c": 2500}
    assert q["multi"]["percent"] == {"a": 66.7, "b": 66.7, "c": 33.3}
    # scale 1..5 uniformly: 2000 each, mean 3
    assert q["scale"]["counts"] == {str(v): 2000 for v in range(1, 6)} and q["scale"]["mean"] == 3.0
    # ranking: x is 1st in 3334 (i%3==0), 3rd in 3333 (i%3==1), 2nd in 3333 (i%3==2)
    assert q["rank"]["first_choice"] == {"x": 3334, "y": 3333, "z": 3333}
    assert q["rank"]["mean_position"]["x"] == round((3334 * 1 + 3333 * 3 + 3333 * 2) / N, 2)  # 1.9999 → 2.0
    assert q["rank"]["mean_position"]["y"] == round((3334 * 2 + 3333 * 1 + 3333 * 3) / N, 2)  # 2.0
    assert q["rank"]["mean_position"]["z"] == round((3334 * 3 + 3333 * 2 + 3333 * 1) / N, 2)  # 2.0001 → 2.0
    # numeric: 0..99 a hundred times each: mean 49.5, median 49.5, min 0, max 99
    assert (q["num"]["mean"], q["num"]["median"], q["num"]["min"], q["num"]["max"]) == (49.5, 49.5, 0, 99)
    # open text: every tenth
    assert q["text"]["answered"] == 1000
    # matrix: r1 like the scale; r2 always 5
    assert q["grid"]["rows"]["r1"] == {"mean": 3.0, "counts": {str(v): 2000 for v in range(1, 6)}}
    assert q["grid"]["rows"]["r2"] == {"mean": 5.0, "counts": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 10_000}}


def test_cross_tabulation_by_district_and_age_band():
    rows = list(generated())
    by_district = aggregate(QUESTIONS, rows, by="district")
    assert {d: g["responses"] for d, g in by_district["groups"].items()} == {d: 2500 for d in DISTRICTS}
    # Dąb is i % 4 == 0: i ≡ 0 (mod 12) → tak; (mod 12) 4 → "nie wiem"… i%3 over i = 0,4,8,… cycles 0,1,2
    dab = {s["code"]: s for s in by_district["groups"]["Dąb"]["questions"]}
    assert dab["single"]["counts"] == {"tak": 834, "nie": 833, "nie wiem": 833}
    assert dab["multi"]["counts"] == {"a": 2500, "b": 0, "c": 0}  # i % 4 == 0 always answers [a]
    by_age = aggregate(QUESTIONS, rows, by="age_band")
    # age band is i % 5 and the scale is 1 + i % 5: each band gave one value only
    for n, band in enumerate(BANDS):
        scale = next(s for s in by_age["groups"][band]["questions"] if s["code"] == "scale")
        assert scale["mean"] == 1 + n and scale["counts"][str(1 + n)] == 2000


def test_the_csv_export_is_anonymised_and_complete():
    rows = list(generated())[:3]
    lines = responses_csv(QUESTIONS, rows).splitlines()
    assert lines[0] == "nr,osiedle,grupa_wiekowa,single,multi,scale,rank,num,text,grid.r1,grid.r2"
    assert lines[1] == "1,Dąb,18-29,tak,a,1,x | y | z,0,uwaga 0,1,5"
    assert lines[3] == "3,Zawodzie,45-59,nie wiem,b | c,3,z | x | y,2,,3,5"
