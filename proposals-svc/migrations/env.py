import os

from glos_chassis.migrations_env import run_migrations
from proposals_svc.models import Base

run_migrations(Base.metadata, os.environ.get("PROPOSALS_DATABASE_URL"))
