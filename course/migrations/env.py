"""Alembic's environment: migrations run on the connection `course.store` hands over.

The store configures Alembic in code (no alembic.ini) and passes an open connection, inside
its own transaction, as `config.attributes["connection"]`.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through course.store.Store, which passes a connection.")

context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
