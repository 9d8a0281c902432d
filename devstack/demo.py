"""Demo data for `./glos up`: staff and resident accounts and a demo PB edition, loaded through the gateway.

The accounts are created with identity-svc's own command; everything else goes through the public API,
as a resident or an official would do it. Running it twice changes nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

DEMO_ACCOUNTS = [
    ("urzednik@glos.local", "urzednik-demo-haslo", "Anna Urzędniczka", "pb_official,coordinator,admin"),
    ("mieszkaniec@glos.local", "mieszkaniec-demo-haslo", "Jan Mieszkaniec", "resident"),
]
DEMO_EDITION = {"name": "Budżet Obywatelski Katowice 2027 (demo)", "city": "Katowice", "year": 2027}
DEMO_PROPOSALS = [
    {"title": "Ławki i zieleń na placu Wolności", "cost": 180_000,
     "description": "Nowe ławki, nasadzenia i poidełko dla mieszkańców."},
    {"title": "Bezpieczne przejście przy Szkole Podstawowej nr 12", "cost": 95_000,
     "description": "Doświetlenie przejścia i progi zwalniające."},
    {"title": "Warsztaty kodowania dla seniorów", "cost": 40_000,
     "description": "Cykl 20 spotkań w bibliotece dzielnicowej."},
]


REPO = Path(__file__).resolve().parent.parent
KATOWICE = {"name": "Budżet Obywatelski Katowice 2020", "city": "Katowice", "year": "2020",
            "files": sorted((REPO / "data" / "pabulib" / "katowice-2020").glob("*.pb"))}


def token(gateway: str, email: str, password: str) -> str:
    response = requests.post(f"{gateway}/api/identity/token", json={"email": email, "password": password},
                             timeout=10)
    response.raise_for_status()
    return response.json()["access_token"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="dev", choices=sorted(stack.PROFILES))
    args = parser.parse_args()
    profile = stack.PROFILES[args.profile]
    env = {**os.environ, **stack.service_env(profile)}
    for email, password, name, roles in DEMO_ACCOUNTS:
        subprocess.run([str(stack.VENV_BIN / "identity-svc"), "seed-account", "--email", email, "--password",
                        password, "--name", name, "--roles", roles], check=True, env=env)
    # The real demo edition: Katowice 2020, city-wide + 22 districts, through the Pabulib importer.
    subprocess.run([str(stack.VENV_BIN / "proposals-svc"), "import-pabulib", "--name", KATOWICE["name"], "--city",
                    KATOWICE["city"], "--year", KATOWICE["year"], *map(str, KATOWICE["files"])], check=True, env=env)
    gateway = f"http://127.0.0.1:{profile.gateway_port}"
    official = {"Authorization": f"Bearer {token(gateway, *DEMO_ACCOUNTS[0][:2])}"}
    resident = {"Authorization": f"Bearer {token(gateway, *DEMO_ACCOUNTS[1][:2])}"}
    editions = requests.get(f"{gateway}/api/proposals/editions", timeout=10).json()
    edition = next((e for e in editions if e["name"] == DEMO_EDITION["name"]), None)
    if edition is None:
        response = requests.post(f"{gateway}/api/proposals/editions", json=DEMO_EDITION, headers=official, timeout=10)
        response.raise_for_status()
        edition = response.json()
        for proposal in DEMO_PROPOSALS:
            requests.post(f"{gateway}/api/proposals/editions/{edition['id']}/proposals", json=proposal,
                          headers=resident, timeout=10).raise_for_status()
    print(f"demo edition: {edition['name']} ({gateway}/api/proposals/editions/{edition['id']}/proposals)")
    print("demo accounts: " + ", ".join(f"{e} / {p}" for e, p, _, _ in DEMO_ACCOUNTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
