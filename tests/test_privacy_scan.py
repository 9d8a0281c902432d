"""No PESEL and no name leaves identity-svc: after traffic that carries them, scan every other service's
database, every Kafka topic, and every log line of the stack (identity-svc's own logs included) for any
valid PESEL and for the names used."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import requests
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import create_engine, text
from stdnum.pl import pesel as stdnum_pesel

from glos_testing import login, make_pesel, seed_account, wait_until

# eleven digits standing alone (not inside a hex id or a longer number, where they occur by chance)
ELEVEN_DIGITS = re.compile(rb"(?<![0-9A-Za-z])\d{11}(?![0-9A-Za-z])")
NAMES = (b"Skrzetuska", b"Bogumi\xc5\x82a")  # "Bogumiła", as UTF-8


def valid_pesels(blob: bytes) -> set[bytes]:
    return {m for m in ELEVEN_DIGITS.findall(blob) if stdnum_pesel.is_valid(m.decode())}


def test_no_personal_data_outside_identity_svc(gateway, official_headers, platform):
    # Traffic that carries a PESEL and names into identity-svc, and events out of it.
    email = f"prywatnosc-{uuid.uuid4().hex[:8]}@glos.local"
    seed_account(email, "haslo-prywatnosc-123")
    headers = {"Authorization": f"Bearer {login(gateway, email, 'haslo-prywatnosc-123')}"}
    pesel = make_pesel(1988, 9, 9, uuid.uuid4().int % 10000)
    r = requests.post(f"{gateway}/api/identity/me/resident", headers=headers, timeout=10, json={
        "pesel": pesel, "first_name": "Bogumiła", "last_name": "Skrzetuska", "address": "ul. Dworcowa 5, Suwałki",
        "district": "Śródmieście"})
    assert r.status_code == 201, r.text
    edition = uuid.uuid4()
    requests.put(f"{gateway}/api/identity/editions/{edition}/eligibility", headers=official_headers, timeout=10,
                 json={"voting_day": "2027-06-01", "residency": "either", "reason": "skan prywatności"})
    assert requests.post(f"{gateway}/api/identity/editions/{edition}/credential/on-behalf", json={"pesel": pesel},
                         headers=official_headers, timeout=10).status_code == 201
    identity_db = create_engine(os.environ["IDENTITY_DATABASE_URL"])

    def relayed():
        with identity_db.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).scalar() == 0

    wait_until(relayed, timeout=30, message="identity-svc's outbox to be relayed")
    identity_db.dispose()

    findings: list[str] = []

    # 1. Every other service's database, every row of every table, as text.
    for service in ("proposals", "voting", "consultation"):
        engine = create_engine(os.environ[f"{service.upper()}_DATABASE_URL"])
        with engine.connect() as conn:
            tables = conn.execute(text("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_schema = 'public'")).scalars().all()
            assert tables
            for table in tables:
                # the whole table as one text, scanned in one pass (after a load test: hundreds of thousands of rows)
                whole = conn.execute(text(f'SELECT coalesce(string_agg(t::text, :newline), :nothing) FROM "{table}" t'),
                                     {"newline": "\n", "nothing": ""}).scalar()
                blob = whole.encode()
                if valid_pesels(blob) or any(n in blob for n in NAMES):
                    findings.append(f"{service} database, table {table}")
        engine.dispose()

    # 2. Every message of every topic.
    reader = KafkaConsumer(bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"].split(","),
                           enable_auto_commit=False, consumer_timeout_ms=4000)
    partitions = [TopicPartition(topic, p) for topic in reader.topics() for p in reader.partitions_for_topic(topic)]
    reader.assign(partitions)
    reader.seek_to_beginning(*partitions)
    # each partition's messages scanned in one pass; a partition with a finding is searched message by message
    # to name the offset
    by_partition: dict[tuple[str, int], list] = {}
    for message in reader:
        by_partition.setdefault((message.topic, message.partition), []).append(message)
    reader.close()
    assert by_partition

    def blob_of(message) -> bytes:
        return (message.value or b"") + b"\n" + (message.key or b"") + b"\n" + \
            b"\n".join(v for _, v in message.headers or [])

    for (topic, partition), messages in by_partition.items():
        whole = b"\n".join(blob_of(m) for m in messages)
        if valid_pesels(whole) or any(n in whole for n in NAMES):
            findings += [f"Kafka {topic}[{partition}]@{m.offset}" for m in messages
                         if valid_pesels(blob_of(m)) or any(n in blob_of(m) for n in NAMES)]

    # 3. Every log file of the stack: services, workers, nginx, PostgreSQL, Kafka.
    logs = list((platform.state / "log").glob("*.log")) + list(platform.state.glob("kafka-*/logs/*.log"))
    assert logs
    for path in logs:
        blob = Path(path).read_bytes()
        if pesel.encode() in blob or valid_pesels(blob) or any(n in blob for n in NAMES):
            findings.append(f"log {path}")

    assert not findings, "personal data found outside identity-svc: " + "; ".join(findings)
