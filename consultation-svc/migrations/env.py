import os

from glos_chassis.migrations_env import run_migrations
from consultation_svc.models import Base

run_migrations(Base.metadata, os.environ.get("CONSULTATION_DATABASE_URL"))
