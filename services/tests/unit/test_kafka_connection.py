"""How every Kafka client of the platform connects (`kafka_io.connection`): plain TCP unless the environment
says otherwise; in production TLS with the service's own certificate, as its KafkaUser's ACLs expect."""

from __future__ import annotations

from glos_chassis.kafka_io import connection


def test_plain_by_default(monkeypatch):
    for name in ("KAFKA_SECURITY_PROTOCOL", "KAFKA_SSL_CAFILE", "KAFKA_SSL_CERTFILE", "KAFKA_SSL_KEYFILE"):
        monkeypatch.delenv(name, raising=False)
    assert connection("a:9092,b:9092") == {"bootstrap_servers": ["a:9092", "b:9092"]}


def test_tls_with_the_service_s_certificate(monkeypatch):
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SSL")
    monkeypatch.setenv("KAFKA_SSL_CAFILE", "/etc/kafka/ca/ca.crt")
    monkeypatch.setenv("KAFKA_SSL_CERTFILE", "/etc/kafka/user/user.crt")
    monkeypatch.setenv("KAFKA_SSL_KEYFILE", "/etc/kafka/user/user.key")
    assert connection("glos-kafka-kafka-bootstrap:9093") == {
        "bootstrap_servers": ["glos-kafka-kafka-bootstrap:9093"], "security_protocol": "SSL",
        "ssl_cafile": "/etc/kafka/ca/ca.crt", "ssl_certfile": "/etc/kafka/user/user.crt",
        "ssl_keyfile": "/etc/kafka/user/user.key"}
