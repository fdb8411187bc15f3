"""imports: the status of each import batch, and loaded boundary sets

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_batches") as batch:
        batch.add_column(sa.Column("status", sa.String(length=16), server_default="loaded", nullable=False))
        batch.create_check_constraint("status", "status in ('loaded', 'rejected')")
    op.create_table(
        "boundary_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("schema", sa.String(length=32), nullable=False),
        sa.Column("geojson", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_boundary_sets_batch_id_import_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_sets")),
    )


def downgrade() -> None:
    op.drop_table("boundary_sets")
    with op.batch_alter_table("import_batches") as batch:
        batch.drop_constraint("ck_import_batches_status", type_="check")
        batch.drop_column("status")
