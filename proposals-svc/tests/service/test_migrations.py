"""proposals-svc's Alembic migrations build exactly the schema its models describe (no drift)."""


def test_models_and_migrations_agree(svc):
    svc.database.check_models_match_migrations()
