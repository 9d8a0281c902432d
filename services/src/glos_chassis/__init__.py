"""The Glos service chassis: the mechanisms every service shares, none of the domain rules.

- config:    settings from the environment, fail fast, secrets hidden
- logs:      JSON logging with the service name and request id
- errors:    one error shape for all services (RFC 9457 problem+json)
- web:       the Flask app factory helper (health, readiness, metrics, OpenAPI)
- db:        SQLAlchemy engine and session scope
- events:    the event envelope
- outbox:    the transactional outbox and its relay to Kafka
- consumer:  the idempotent consumer with retries and a dead-letter topic
- auth:      RS256 access tokens checked against identity-svc's JWKS
- topics:    the Kafka topics of the platform and how to create them
- audit:     the audit-trail table shape for staff actions
- canonical: canonical JSON and its SHA-256 (frozen rules, published results)
- worker, cli, migrate: the worker process and the commands every service has
"""
