"""visit totals: one row per visit, derived from the service records, for fast views

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visit_totals",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("camp_id", sa.Integer(), nullable=False),
        sa.Column("consultations", sa.Integer(), nullable=False),
        sa.Column("referrals", sa.Integer(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("date", "clinic_id", "camp_id", name=op.f("pk_visit_totals")),
    )
    op.create_index("ix_visit_totals_camp_date", "visit_totals", ["camp_id", "date"])
    op.create_index("ix_visit_totals_clinic_date", "visit_totals", ["clinic_id", "date"])
    op.execute(
        "INSERT INTO visit_totals (date, clinic_id, camp_id, consultations, referrals, records) "
        "SELECT date, clinic_id, camp_id, sum(consultations), sum(referrals), count(*) FROM service_records "
        "GROUP BY date, clinic_id, camp_id"
    )


def downgrade() -> None:
    op.drop_table("visit_totals")
