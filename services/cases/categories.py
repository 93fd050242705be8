"""Categories of grassroots matters and the routing rule that proposes who should act."""

from services.common.categories import BY_CODE, category

UNIT_KINDS = ("bloc_committee", "advisory_body", "grassroots_committee", "grassroots_cell",
              "sub_cell", "department", "mass_organisation")
GRASSROOTS_KINDS = frozenset({"grassroots_committee", "grassroots_cell", "sub_cell"})
SECTORS = ("state_agency", "public_service", "state_enterprise_majority",
           "state_enterprise_minority", "private_enterprise")


def propose_assignee(category_code, origin_unit, units):
    """Propose the unit that should act on a matter, and why.

    `origin_unit` is the reporting unit's code (or None); `units` maps code → a dict with at
    least `kind`, `parent` and `active`. Matters of the grassroots unit's own work go to that
    unit (or, for a cell under a committee, to its committee); the others go to the
    category's default unit when it exists and is active. Returns (unit_code | None, reason).
    """
    cat = category(category_code) or BY_CODE["other"]
    origin = units.get(origin_unit) if origin_unit else None
    own_work = cat.default_unit_kind in GRASSROOTS_KINDS
    if own_work and origin and origin["active"] and origin["kind"] in GRASSROOTS_KINDS:
        if origin["kind"] == "sub_cell" and origin.get("parent") in units:
            return origin["parent"], "committee of the reporting cell"
        return origin_unit, "the reporting grassroots unit"
    default = units.get(cat.default_unit) if cat.default_unit else None
    if default and default["active"]:
        return cat.default_unit, f"default unit for {cat.code}"
    return None, "no rule applies: the office decides"
