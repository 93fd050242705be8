"""Open311 GeoReport v2 server under /open311/v2/ (JSON and XML)."""


class Open311Endpoints:
    """Open311 GeoReport v2 server under /open311/v2/ (JSON and XML)."""
