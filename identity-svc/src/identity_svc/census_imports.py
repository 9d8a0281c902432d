"""Census imports in the background, so the office watches a city-sized register go in (a progress bar on the
site) instead of holding a request open for minutes.

`start` checks the file's columns at once (a wrong file is refused with 422 before anything is queued), refuses
a second import while one is under way (409), records the import and hands the text to a thread of this
process. The thread runs the same `census.import_census` as the synchronous endpoint and the CLI — one
transaction, under the census advisory lock — and reports its progress through short transactions of its own,
so any replica answers `GET /census/imports/{id}` from the database.

The file is never written anywhere: it holds names and PESELs. If the process dies mid-import, the import's
transaction rolls back (the old list stays active) and its heartbeat stops; after STALE_AFTER it is reported
`failed` / `interrupted` and the office uploads the file again.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from glos_chassis.db import session_scope
from glos_chassis.errors import Problem

from . import addresses, census
from .models import CensusImport
from .personal_data import Vault

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=2)  # far above the time between two progress reports (1,000 rows)
UNDER_WAY = ("queued", "running")
START_LOCK_ID = 0x63656E31  # advisory lock: two uploads at once do not both find nothing under way


def start(factory: sessionmaker[Session], vault: Vault, text: str, *, actor: str, reason: str) -> dict:
    census.read_rows(text)  # the columns, checked now: a wrong file is the uploader's 422, not a failed import
    with session_scope(factory) as session:
        session.execute(select(func.pg_advisory_xact_lock(START_LOCK_ID)))
        mark_stale(session)
        running = session.scalars(select(CensusImport).where(CensusImport.status.in_(UNDER_WAY))).first()
        if running is not None:
            raise Problem(409, "Trwa już wczytywanie rejestru mieszkańców; poczekaj na jego koniec.",
                          "A census import is already under way; wait for it to finish.",
                          errors=[{"location": "body", "field": "_file",
                                   "message": f"Trwa wczytywanie {running.id}.",
                                   "message_en": f"Import {running.id} is under way."}])
        job = CensusImport(status="queued", requested_by=actor, reason=reason, processed_rows=0,
                           total_rows=max(len(text.splitlines()) - 1, 0))
        session.add(job)
        session.flush()
        answer = as_dict(job)
    # not a daemon: a worker shutting down gracefully lets the import finish (within gunicorn's graceful timeout)
    threading.Thread(target=_run, args=(factory, vault, text, uuid.UUID(answer["id"]), actor, reason),
                     name=f"census-import-{answer['id']}", daemon=False).start()
    return answer


def _run(factory: sessionmaker[Session], vault: Vault, text: str, job_id: uuid.UUID, actor: str, reason: str) -> None:
    def progress(rows: int) -> None:
        with session_scope(factory) as side:
            side.execute(update(CensusImport).where(CensusImport.id == job_id).values(
                status="running", processed_rows=CensusImport.processed_rows + rows, heartbeat_at=datetime.now(UTC)))

    try:
        with session_scope(factory) as session:
            # queued until the census lock is ours (an import from the CLI or the synchronous endpoint may hold
            # it), then running; import_census takes the same lock again, which PostgreSQL allows
            session.execute(select(func.pg_advisory_xact_lock(census.IMPORT_LOCK_ID)))
            progress(0)
            report = census.import_census(session, vault, text, actor=actor, reason=reason,
                                          resolve_address=addresses.resolver(session), progress=progress)
        _finish(factory, job_id, status="done", report=report.as_dict(), list_id=uuid.UUID(report.list_id))
    except Exception:
        # the rows' content never reaches the log: only which import failed (the traceback names code, and
        # SQL parameters hold keyed hashes at most)
        log.exception("census import failed", extra={"census_import": str(job_id)})
        _finish(factory, job_id, status="failed", error="server_error")


def _finish(factory, job_id: uuid.UUID, **values) -> None:
    with session_scope(factory) as session:
        job = session.get(CensusImport, job_id)
        job.status, job.finished_at, job.heartbeat_at = values.pop("status"), datetime.now(UTC), datetime.now(UTC)
        if job.status == "done":
            job.processed_rows = job.total_rows
        for name, value in values.items():
            setattr(job, name, value)


def mark_stale(session: Session) -> None:
    """An import under way that has not reported for STALE_AFTER died with its process."""
    session.execute(update(CensusImport).where(CensusImport.status.in_(UNDER_WAY),
                                               CensusImport.heartbeat_at < datetime.now(UTC) - STALE_AFTER)
                    .values(status="failed", error="interrupted", finished_at=datetime.now(UTC)))


def get(session: Session, job_id: uuid.UUID) -> dict:
    mark_stale(session)
    job = session.get(CensusImport, job_id)
    if job is None:
        raise Problem(404, "Nie ma takiego wczytywania rejestru.", "No such census import.")
    return as_dict(job)


def recent(session: Session, limit: int = 20) -> list[dict]:
    mark_stale(session)
    jobs = session.scalars(select(CensusImport).order_by(CensusImport.created_at.desc()).limit(limit))
    return [as_dict(job) for job in jobs]


def as_dict(job: CensusImport) -> dict:
    return {"id": str(job.id), "status": job.status, "requested_by": job.requested_by, "reason": job.reason,
            "total_rows": job.total_rows, "processed_rows": min(job.processed_rows, job.total_rows),
            "created_at": job.created_at, "finished_at": job.finished_at, "error": job.error,
            "report": job.report}
