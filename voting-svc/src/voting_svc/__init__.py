"""voting-svc: the vote, the tally and the count.

The package itself imports nothing of the web service: the tools an auditor runs (glos-count, glos-recompute,
glos-receipt-check) start without loading Flask, SQLAlchemy and Kafka — three seconds of imports on the 2-core
machine, and tens of seconds under load, before a single ballot was read.
"""

from __future__ import annotations


def create_app(settings=None):
    """The WSGI app (`gunicorn 'voting_svc:create_app()'`), made in voting_svc/app.py."""
    from .app import create_app as make_app

    return make_app(settings)
