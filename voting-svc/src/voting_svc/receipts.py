"""Receipts in a Merkle tree: at the close the root over every accepted ballot's receipt is published with
the results; a voter fetches an inclusion proof for their receipt and checks it against that root with
`glos-receipt-check`, trusting nothing but SHA-256.

The tree: leaves are SHA-256(0x00 ‖ receipt) in the order of the receipts (sorted as text); an inner node
is SHA-256(0x01 ‖ left ‖ right); a node without a partner is carried up unchanged (as in RFC 6962, the
prefixes keep a leaf from passing for an inner node). The root of no receipts is SHA-256 of nothing.

    glos-receipt-check RECEIPT --gateway https://glos.example.pl --edition EDITION_ID
    glos-receipt-check RECEIPT --proof proof.json --root <published root>
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.error
import urllib.request


def leaf_hash(receipt: str) -> bytes:
    return hashlib.sha256(b"\x00" + receipt.encode()).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleTree:
    def __init__(self, receipts):
        self.receipts = sorted(receipts)
        self.index = {r: i for i, r in enumerate(self.receipts)}
        level = [leaf_hash(r) for r in self.receipts]
        self.levels = [level]
        while len(level) > 1:
            level = [node_hash(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
                     for i in range(0, len(level), 2)]
            self.levels.append(level)

    @property
    def root(self) -> str:
        return self.levels[-1][0].hex() if self.receipts else hashlib.sha256(b"").hexdigest()

    def proof(self, receipt: str) -> dict | None:
        position = self.index.get(receipt)
        if position is None:
            return None
        path, i = [], position
        for level in self.levels[:-1]:
            sibling = i ^ 1
            if sibling < len(level):
                path.append({"side": "left" if sibling < i else "right", "hash": level[sibling].hex()})
            i //= 2
        return {"receipt": receipt, "leaf_index": position, "leaves": len(self.receipts), "path": path,
                "root": self.root}


def verify(receipt: str, path: list[dict], root: str) -> bool:
    node = leaf_hash(receipt)
    for step in path:
        sibling = bytes.fromhex(step["hash"])
        node = node_hash(sibling, node) if step["side"] == "left" else node_hash(node, sibling)
    return node.hex() == root


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="glos-receipt-check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("receipt")
    parser.add_argument("--gateway", help="the platform's address, e.g. https://glos.example.pl")
    parser.add_argument("--edition", help="the edition id (with --gateway)")
    parser.add_argument("--proof", help="a proof saved as JSON (instead of fetching it)")
    parser.add_argument("--root", help="the published root (instead of fetching the results)")
    args = parser.parse_args(argv)
    try:
        if args.gateway and args.edition:
            base = f"{args.gateway.rstrip('/')}/api/voting/editions/{args.edition}"
            root = args.root or _get_json(f"{base}/results")["receipts_root"]
            proof = _get_json(f"{base}/receipts/{args.receipt}/proof")
        elif args.proof and args.root:
            root = args.root
            with open(args.proof, encoding="utf-8") as f:
                proof = json.load(f)
        else:
            parser.error("give --gateway and --edition, or --proof and --root")
    except (OSError, urllib.error.URLError, KeyError, ValueError) as exc:
        print(f"glos-receipt-check: cannot get the proof or the root: {exc}", file=sys.stderr)
        return 2
    if proof.get("receipt") != args.receipt:
        print("glos-receipt-check: the proof is for another receipt", file=sys.stderr)
        return 1
    if verify(args.receipt, proof["path"], root):
        print(f"OK: receipt {args.receipt} is among the {proof['leaves']} receipts under root {root}")
        return 0
    print(f"FAILED: receipt {args.receipt} is NOT proven to be under root {root}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
