"""Mobile Medical Clinics dashboard for displaced people in Iraq."""

__version__ = "0.1.0"
