"""The reporting API as an OpenAPI document, generated from its marshmallow schemas."""

from services.common.openapi import Operation, build_spec

from .digest_api import DIGEST_OPERATIONS
from .exports import PDF_TYPE, XLSX_TYPE
from .reports import CATALOGUE
from .results import KINDS
from .schemas import FORMATS, ReportQuery

TEXT = {"type": "string"}
NAMES = [report.name for report in CATALOGUE]
CATALOGUE_ENTRY = {
    "type": "object",
    "required": ["name", "title", "description", "path", "formats", "filters", "options"],
    "properties": {"name": {"type": "string", "enum": NAMES}, "title": TEXT,
                   "description": TEXT, "path": TEXT,
                   "formats": {"type": "array", "items": {"type": "string", "enum": FORMATS}},
                   "filters": {"type": "array", "items": TEXT},
                   "options": {"type": "array", "items": TEXT}},
}
COLUMN = {"type": "object", "required": ["key", "label", "kind"],
          "properties": {"key": TEXT, "label": TEXT,
                         "kind": {"type": "string", "enum": list(KINDS)}}}
REPORT = {
    "type": "object", "required": ["report", "title", "generated_at", "filters", "columns",
                                   "rows"],
    "properties": {"report": {"type": "string", "enum": NAMES}, "title": TEXT,
                   "generated_at": {"type": "string", "format": "date-time"},
                   "filters": {"type": "object", "additionalProperties": TEXT},
                   "columns": {"type": "array", "items": COLUMN},
                   "rows": {"type": "array", "items": {"type": "object"}}},
    "additionalProperties": True,  # report-specific totals: total, by_status, ...
}
AUTH = ("401", "403")
OPERATIONS = (
    Operation("GET", "/api/v1/reports",
              "The reports there are, with their filters, options and formats "
              "(leaders, clerks, admins)", secured=True, errors=AUTH,
              response={"type": "object", "required": ["reports"], "properties": {
                  "reports": {"type": "array", "items": CATALOGUE_ENTRY}}}),
    Operation("GET", "/api/v1/reports/<name>",
              "One report from the read model as JSON, CSV (UTF-8 with BOM), XLSX or PDF; "
              "`from`/`to` are Vietnam dates, both included; `unit` takes its subtree",
              query=ReportQuery, secured=True, errors=(*AUTH, "404", "422"), response=REPORT),
    *DIGEST_OPERATIONS,
)


def document():
    """The OpenAPI document of the reporting service."""
    spec = build_spec("Grassroots reporting", "1.0",
                      "Reports for leadership from reporting's own read model (no personal "
                      "data): how grassroots matters were received and handled.", OPERATIONS)
    one = spec["paths"]["/api/v1/reports/{name}"]["get"]
    one["parameters"][0]["schema"] = {"type": "string", "enum": NAMES}
    one["responses"]["200"]["content"].update({
        "text/csv": {"schema": TEXT},
        XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        PDF_TYPE: {"schema": {"type": "string", "format": "binary"}}})
    return spec
