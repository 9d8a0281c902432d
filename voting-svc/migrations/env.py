import os

from glos_chassis.migrations_env import run_migrations
from voting_svc.models import Base

run_migrations(Base.metadata, os.environ.get("VOTING_DATABASE_URL"))
