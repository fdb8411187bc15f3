"""camps: optional names in Arabic and in Kurdish (the camps file's camp_name_ar and camp_name_ku), shown to readers
of those languages

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("camps") as batch:
        batch.add_column(sa.Column("name_ar", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("name_ku", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("camps") as batch:
        batch.drop_column("name_ku")
        batch.drop_column("name_ar")
