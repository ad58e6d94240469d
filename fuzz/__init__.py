"""Fuzz targets, outside the normal test suite (see fuzz/README.md)."""
