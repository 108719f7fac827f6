"""Alembic migrations of the response store (see course.store.Store._prepare)."""
