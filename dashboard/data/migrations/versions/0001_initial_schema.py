"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 05:58:44.172471
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "governorates",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("pcode", sa.String(length=8), nullable=False),
        sa.Column("name_en", sa.String(length=64), nullable=False),
        sa.Column("name_ar", sa.String(length=64), nullable=False),
        sa.Column("name_ku", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_governorates")),
        sa.UniqueConstraint("pcode", name=op.f("uq_governorates_pcode")),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("rows_added", sa.Integer(), nullable=False),
        sa.Column("rows_replaced", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_table(
        "camps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("governorate", sa.String(length=8), nullable=False),
        sa.Column("district", sa.String(length=64), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("site_type", sa.String(length=16), nullable=False),
        sa.Column("position_approximate", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("site_type in ('camp', 'informal_site', 'host_community')", name=op.f("ck_camps_site_type")),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], name=op.f("fk_camps_batch_id_import_batches")),
        sa.ForeignKeyConstraint(["governorate"], ["governorates.code"], name=op.f("fk_camps_governorate_governorates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_camps")),
        sa.UniqueConstraint("code", name=op.f("uq_camps_code")),
    )
    with op.batch_alter_table("camps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_camps_governorate"), ["governorate"], unique=False)

    op.create_table(
        "clinics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("unit_type", sa.String(length=16), nullable=False),
        sa.Column("partner", sa.String(length=128), nullable=True),
        sa.Column("governorate", sa.String(length=8), nullable=False),
        sa.Column("base_latitude", sa.Float(), nullable=False),
        sa.Column("base_longitude", sa.Float(), nullable=False),
        sa.Column("clinicians", sa.Integer(), nullable=False),
        sa.Column("active_from", sa.Date(), nullable=True),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("unit_type in ('mmc', 'ambulance')", name=op.f("ck_clinics_unit_type")),
        sa.CheckConstraint("clinicians >= 0", name=op.f("ck_clinics_clinicians")),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], name=op.f("fk_clinics_batch_id_import_batches")),
        sa.ForeignKeyConstraint(
            ["governorate"], ["governorates.code"], name=op.f("fk_clinics_governorate_governorates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinics")),
        sa.UniqueConstraint("code", name=op.f("uq_clinics_code")),
    )
    with op.batch_alter_table("clinics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clinics_governorate"), ["governorate"], unique=False)

    op.create_table(
        "camp_populations",
        sa.Column("camp_id", sa.Integer(), nullable=False),
        sa.Column("population_date", sa.Date(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.CheckConstraint("population >= 0", name=op.f("ck_camp_populations_population")),
        sa.ForeignKeyConstraint(
            ["camp_id"], ["camps.id"], name=op.f("fk_camp_populations_camp_id_camps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("camp_id", "population_date", name=op.f("pk_camp_populations")),
    )
    op.create_table(
        "service_records",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("camp_id", sa.Integer(), nullable=False),
        sa.Column("syndrome", sa.String(length=24), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("age_group", sa.String(length=8), nullable=False),
        sa.Column("consultations", sa.Integer(), nullable=False),
        sa.Column("referrals", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("consultations >= 0", name=op.f("ck_service_records_consultations")),
        sa.CheckConstraint("referrals >= 0 AND referrals <= consultations", name=op.f("ck_service_records_referrals")),
        sa.ForeignKeyConstraint(["camp_id"], ["camps.id"], name=op.f("fk_service_records_camp_id_camps")),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], name=op.f("fk_service_records_clinic_id_clinics")),
        sa.PrimaryKeyConstraint(
            "date", "clinic_id", "camp_id", "syndrome", "sex", "age_group", name=op.f("pk_service_records")
        ),
    )
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.create_index("ix_service_records_camp_date", ["camp_id", "date"], unique=False)
        batch_op.create_index("ix_service_records_clinic_date", ["clinic_id", "date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.drop_index("ix_service_records_clinic_date")
        batch_op.drop_index("ix_service_records_camp_date")

    op.drop_table("service_records")
    op.drop_table("camp_populations")
    with op.batch_alter_table("clinics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clinics_governorate"))

    op.drop_table("clinics")
    with op.batch_alter_table("camps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_camps_governorate"))

    op.drop_table("camps")
    op.drop_table("import_batches")
    op.drop_table("governorates")
