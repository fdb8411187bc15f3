"""The columns the data layer reads and writes by name: what the period frames carry of each camp and unit (the SQL
of data.queries and the in-memory data.columns select the same), and a service record's columns."""

from __future__ import annotations

from dashboard.data.models import Camp, Clinic

RECORD_COLUMNS = (
    "date",
    "clinic_id",
    "camp_id",
    "syndrome",
    "sex",
    "age_group",
    "consultations",
    "referrals",
    "batch_id",
    "reported_on",
)


# What the period frames carry of each camp and each unit, by column name: the SQL below and the in-memory columns
# (data.columns) select the same.
CAMP_FIELDS = {
    "camp_id": Camp.id,
    "code": Camp.code,
    "name": Camp.name,
    "governorate": Camp.governorate,
    "latitude": Camp.latitude,
    "longitude": Camp.longitude,
    "site_type": Camp.site_type,
    "position_approximate": Camp.position_approximate,
}
CLINIC_FIELDS = {
    "clinic_id": Clinic.id,
    "code": Clinic.code,
    "name": Clinic.name,
    "unit_type": Clinic.unit_type,
    "governorate": Clinic.governorate,
    "base_latitude": Clinic.base_latitude,
    "base_longitude": Clinic.base_longitude,
    "clinicians": Clinic.clinicians,
}
