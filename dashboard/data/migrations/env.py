"""Alembic environment: run with the connection that dashboard.data.schema hands over."""

from alembic import context

from dashboard.data.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
