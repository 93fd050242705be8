"""The cases API as an OpenAPI document."""

from services.common.openapi import Operation, build_spec

from .schemas import ActionIn, CaseQuery, LoginIn, UnitIn, UserIn
from .workflow import ACTIONS

AUTH = ("400", "401", "403")
OPERATIONS = (
    Operation("POST", "/api/v1/auth/token", "Exchange a username and password for a token",
              body=LoginIn, errors=("400", "401", "415", "422", "429")),
    Operation("GET", "/api/v1/cases", "Cases the caller may see, filtered and paged",
              query=CaseQuery, secured=True, errors=("401", "422")),
    Operation("GET", "/api/v1/cases/<case_id>", "A case with history, comments and actions",
              secured=True, errors=("401", "404")),
    Operation("POST", "/api/v1/cases/<case_id>/actions/<action>",
              f"Carry out an action: {', '.join(ACTIONS)}", body=ActionIn, secured=True,
              errors=(*AUTH, "404", "409", "415", "422")),
    Operation("GET", "/api/v1/triage", "New cases with a proposed unit", secured=True,
              errors=AUTH),
    Operation("GET", "/api/v1/categories", "Categories of grassroots matters", errors=()),
    Operation("GET", "/api/v1/units", "Directory units", errors=()),
    Operation("POST", "/api/v1/units", "Add a unit (admins)", body=UnitIn, status="201",
              secured=True, errors=(*AUTH, "409", "415", "422")),
    Operation("GET", "/api/v1/units/<code>", "One unit", errors=("404",)),
    Operation("PATCH", "/api/v1/units/<code>", "Edit a unit with its version (admins)",
              body=UnitIn, secured=True, errors=(*AUTH, "404", "409", "415", "422")),
    Operation("DELETE", "/api/v1/units/<code>", "Deactivate a unit (admins)", secured=True,
              errors=(*AUTH, "404", "409", "422"),
              parameters=({"name": "version", "in": "query", "required": True,
                           "schema": {"type": "integer"}},)),
    Operation("GET", "/api/v1/users", "Users (admins)", secured=True, errors=AUTH),
    Operation("POST", "/api/v1/users", "Add a user (admins)", body=UserIn, status="201",
              secured=True, errors=(*AUTH, "409", "415", "422")),
)


def document():
    """The OpenAPI document of the cases service."""
    return build_spec("Grassroots cases", "1.0",
                      "Case lifecycle, directory, categories and users of the bloc office.",
                      OPERATIONS)
