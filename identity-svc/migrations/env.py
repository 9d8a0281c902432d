import os

from glos_chassis.migrations_env import run_migrations
from identity_svc.models import Base

run_migrations(Base.metadata, os.environ.get("IDENTITY_DATABASE_URL"))
