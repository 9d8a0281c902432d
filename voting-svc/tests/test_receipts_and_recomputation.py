"""Trust: the Merkle root over every receipt published with the results, inclusion proofs checked by the
`glos-receipt-check` CLI, and the anonymised Pabulib export from which `glos-recompute` rebuilds the
results document byte for byte."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile

import pytest
import requests

import stack
from glos_chassis.canonical import canonical_json
from voting_kit import SEED, cast, new_election, part, voter, voting_db
from voting_svc.receipts import MerkleTree, verify


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33])
def test_every_receipt_proves_against_the_root_and_nothing_else_does(size):
    receipts = [hashlib.sha256(str(i).encode()).hexdigest()[:32] for i in range(size)]
    tree = MerkleTree(receipts)
    for receipt in receipts:
        proof = tree.proof(receipt)
        assert verify(receipt, proof["path"], tree.root)
        assert not verify(receipt + "0", proof["path"], tree.root)
        assert not verify(receipt, proof["path"], MerkleTree(receipts[:-1] + ["x"]).root)
    assert tree.proof("not-a-receipt") is None
    assert MerkleTree(reversed(receipts)).root == tree.root  # order of arrival does not matter


def test_results_carry_the_receipts_root_and_the_export_recomputes_byte_for_byte(gateway, official_headers, tmp_path):
    selection = {"rule": "greedy", "min_score": None, "tie_break": ["fewer_cost", "draw"],
                 "draw_seed_sha256": hashlib.sha256(SEED.encode()).hexdigest()}
    election = new_election(gateway, official_headers, selection=selection)
    edition, city, dab = election["edition"], election["city"], election["dab"]
    receipts = []
    for points in ((3,), (2, 1), (1, 1, 1), (0, 0, 3), (0, 2, 0, 1)):
        r = cast(gateway, edition, voter(gateway, edition), [part(city, *points), part(dab, 1)])
        assert r.status_code == 201, r.text
        receipts.append(r.json()["receipt"])
    base = f"{gateway}/api/voting/editions/{edition}"
    assert requests.get(f"{base}/ballots.zip", timeout=10).status_code == 404  # not before the results
    assert requests.get(f"{base}/tally", timeout=10).status_code == 403  # scores hidden while voting runs
    assert requests.post(f"{base}/close", json={"reason": "koniec"}, headers=official_headers, timeout=10).status_code == 201
    published = requests.post(f"{base}/results", json={"seed": SEED}, headers=official_headers, timeout=60)
    assert published.status_code == 201, published.text
    results = published.json()
    assert results["receipts_count"] == 5
    city_result = next(a for a in results["document"]["areas"] if a["area_id"] == city["area_id"])
    assert city_result["voters"] == 5 and city_result["selected"]  # greedy without threshold: someone wins
    assert requests.get(f"{base}/tally", timeout=10).status_code == 200

    # every voter can prove their receipt is under the published root, with nothing but the CLI
    check = str(stack.VENV_BIN / "glos-receipt-check")
    for receipt in receipts:
        run = subprocess.run([check, receipt, "--gateway", gateway, "--edition", edition], capture_output=True,
                             text=True, timeout=60)
        assert run.returncode == 0 and run.stdout.startswith("OK"), run.stdout + run.stderr
    proof = requests.get(f"{base}/receipts/{receipts[0]}/proof", timeout=10).json()
    assert proof["status"] == "counted" and proof["root"] == results["receipts_root"]
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    forged = subprocess.run([check, receipts[0], "--proof", str(tmp_path / "proof.json"), "--root", "0" * 64],
                            capture_output=True, text=True, timeout=60)
    assert forged.returncode == 1 and "FAILED" in forged.stdout
    assert requests.get(f"{base}/receipts/{'f' * 32}/proof", timeout=10).status_code == 404

    # the anonymised export: no receipts, no voter keys; recomputed to the same bytes and hash
    export = requests.get(f"{base}/ballots.zip", timeout=30)
    assert export.status_code == 200 and export.headers["Content-Type"] == "application/zip"
    assert export.content == requests.get(f"{base}/ballots.zip", timeout=30).content  # deterministic
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        text = "".join(archive.read(n).decode() for n in archive.namelist())
    keys = [row[0] for row in voting_db("SELECT voter_key FROM votes WHERE edition_id = :e", e=edition)]
    assert not any(k in text for k in keys + receipts)
    (tmp_path / "ballots.zip").write_bytes(export.content)
    run = subprocess.run([str(stack.VENV_BIN / "glos-recompute"), str(tmp_path / "ballots.zip"), "--seed", SEED],
                         capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip(b"\n") == canonical_json(results["document"])
    assert hashlib.sha256(run.stdout.rstrip(b"\n")).hexdigest() == results["sha256"]
    wrong_seed = subprocess.run([str(stack.VENV_BIN / "glos-recompute"), str(tmp_path / "ballots.zip"), "--seed", "x"],
                                capture_output=True, timeout=120)
    assert hashlib.sha256(wrong_seed.stdout.rstrip(b"\n")).hexdigest() != results["sha256"]


def test_a_receipt_shows_what_its_vote_did_and_where_its_equal_share_went(gateway, official_headers):
    """Issue 25 (3): from a receipt alone — which of its projects were selected and, under the Method of Equal
    Shares, what of the voter's share paid for which winner. Summed over every receipt, what the voters are told
    they paid for a winner is its cost (to the grosz each), and nothing is paid for a project not on the ballot."""
    selection = {"rule": "equalshares/add1", "tie_break": ["draw"],
                 "draw_seed_sha256": hashlib.sha256(SEED.encode()).hexdigest()}
    election = new_election(gateway, official_headers, selection=selection)
    edition, city = election["edition"], election["city"]
    ballots = [(3,), (3,), (2, 1), (0, 3), (0, 2, 1), (1, 1, 1), (0, 0, 3), (0, 0, 0, 3)]
    receipts = {}
    for points in ballots:
        r = cast(gateway, edition, voter(gateway, edition), [part(city, *points)])
        assert r.status_code == 201, r.text
        receipts[r.json()["receipt"]] = points
    base = f"{gateway}/api/voting/editions/{edition}"
    assert requests.get(f"{base}/receipts/{next(iter(receipts))}/effect", timeout=10).status_code == 404  # not yet
    assert requests.post(f"{base}/close", json={"reason": "koniec"}, headers=official_headers, timeout=10).status_code == 201
    published = requests.post(f"{base}/results", json={"seed": SEED}, headers=official_headers, timeout=60)
    assert published.status_code == 201, published.text
    area = next(a for a in published.json()["document"]["areas"] if a["area_id"] == city["area_id"])
    mes_winners = area["details"]["mes_selected"]
    assert mes_winners, area
    paid_for: dict[str, int] = {}
    for receipt, points in receipts.items():
        effect = requests.get(f"{base}/receipts/{receipt}/effect", timeout=30).json()
        assert effect["status"] == "counted"
        (mine,) = effect["areas"]
        chosen = {p["proposal_id"] for p, n in zip(city["projects"], points) if n}
        assert {c["project_id"] for c in mine["choices"]} == chosen
        assert all(c["selected"] == area["projects"][c["project_id"]]["selected"] for c in mine["choices"])
        assert mine["share_gr"] == 100 * area["details"]["final_share"]
        assert {p["project_id"] for p in mine["paid"]} <= chosen & set(mes_winners)
        assert mine["left_gr"] == mine["share_gr"] - sum(p["amount_gr"] for p in mine["paid"]) >= 0
        for payment in mine["paid"]:
            paid_for[payment["project_id"]] = paid_for.get(payment["project_id"], 0) + payment["amount_gr"]
    for winner in mes_winners:
        assert abs(paid_for[winner] - 100 * area["projects"][winner]["cost"]) <= len(receipts), winner
    # the fairness figures (issue 25, point 4) agree with what the receipts say, voter by voter
    document = published.json()["document"]
    with_a_winner = sum(any(c["selected"] for a in requests.get(f"{base}/receipts/{r}/effect", timeout=30)
                            .json()["areas"] for c in a["choices"]) for r in receipts)
    assert document["fairness"] == {"voters": len(receipts), "voters_with_a_winner": with_a_winner,
                                    "spent_per_voter_gr": 100 * sum(a["total_cost"] for a in document["areas"])
                                    // len(receipts)}
    assert area["fairness"]["voters_with_a_winner"] == with_a_winner
    assert all(p["supporters"] == sum(1 for pts in receipts.values() for q, n in zip(city["projects"], pts)
                                      if n and q["proposal_id"] == pid) for pid, p in area["projects"].items())
    csv_rows = requests.get(f"{base}/results.csv", timeout=10).text.splitlines()
    assert csv_rows[0].split(";")[4:] == ["supporters", "selected", "reason", "explanation", "area_voters",
                                          "area_voters_with_a_winner", "area_spent_per_voter_gr"]
    import csv
    spent = {row[-1] for row in csv.reader(csv_rows[1:], delimiter=";") if row[1] in area["projects"]}
    assert spent == {str(area["fairness"]["spent_per_voter_gr"])}
    assert any("metodą równych udziałów" in row for row in csv_rows[1:])
    assert requests.get(f"{base}/receipts/{'f' * 32}/effect", timeout=10).status_code == 404
