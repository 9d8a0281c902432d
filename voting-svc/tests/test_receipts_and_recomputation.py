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
