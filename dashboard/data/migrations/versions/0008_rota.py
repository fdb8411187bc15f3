"""rota: the visits each unit is planned to make (a weekday pattern between two dates, or one dated visit), and
when each record was reported (for timeliness)

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("camp_id", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("dated", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("weekdays > 0 AND weekdays < 128", name=op.f("ck_rota_weekdays")),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_rota_period")),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], name=op.f("fk_rota_clinic_id_clinics")),
        sa.ForeignKeyConstraint(["camp_id"], ["camps.id"], name=op.f("fk_rota_camp_id_camps")),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], name=op.f("fk_rota_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota")),
        sa.UniqueConstraint("clinic_id", "camp_id", "valid_from", name=op.f("uq_rota_clinic_id")),
    )
    with op.batch_alter_table("service_records") as batch:
        batch.add_column(sa.Column("reported_on", sa.Date(), nullable=True))
    with op.batch_alter_table("visit_totals") as batch:
        batch.add_column(sa.Column("reported_on", sa.Date(), nullable=True))
    # records loaded before: reported on the day their load was recorded (what the import history knows)
    day = "date(b.created_at)" if op.get_bind().dialect.name == "sqlite" else "CAST(b.created_at AS DATE)"
    op.execute(
        f"UPDATE service_records SET reported_on = (SELECT {day} FROM import_batches b "
        "WHERE b.id = service_records.batch_id)"
    )
    op.execute(
        "UPDATE visit_totals SET reported_on = (SELECT min(r.reported_on) FROM service_records r "
        "WHERE r.date = visit_totals.date AND r.clinic_id = visit_totals.clinic_id "
        "AND r.camp_id = visit_totals.camp_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("visit_totals") as batch:
        batch.drop_column("reported_on")
    with op.batch_alter_table("service_records") as batch:
        batch.drop_column("reported_on")
    op.drop_table("rota")
