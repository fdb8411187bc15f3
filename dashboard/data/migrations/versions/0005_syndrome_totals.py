"""syndrome totals: per day, governorate, syndrome, sex and age group, derived from the service records

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "syndrome_totals",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("governorate", sa.String(length=8), nullable=False),
        sa.Column("syndrome", sa.String(length=24), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("age_group", sa.String(length=8), nullable=False),
        sa.Column("consultations", sa.Integer(), nullable=False),
        sa.Column("referrals", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("date", "governorate", "syndrome", "sex", "age_group", name=op.f("pk_syndrome_totals")),
    )
    op.execute(
        "INSERT INTO syndrome_totals (date, governorate, syndrome, sex, age_group, consultations, referrals) "
        "SELECT r.date, c.governorate, r.syndrome, r.sex, r.age_group, sum(r.consultations), sum(r.referrals) "
        "FROM service_records r JOIN camps c ON c.id = r.camp_id "
        "GROUP BY r.date, c.governorate, r.syndrome, r.sex, r.age_group"
    )


def downgrade() -> None:
    op.drop_table("syndrome_totals")
