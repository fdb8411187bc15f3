"""The data-access layer: the only package that imports SQLAlchemy. Functions take an engine, return plain data."""
