"""Pieces of pages, built from plain data: the map and its layers, charts (plotly, and SVG drawn on the server),
headline cards and tables, notices, and the filter controls. Pages import the module they need."""
