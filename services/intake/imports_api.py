"""Bulk import of typed-in paper forms (CSV or XLSX) with a per-row report."""


class ImportEndpoints:
    """Bulk import of typed-in paper forms (CSV or XLSX) with a per-row report."""
