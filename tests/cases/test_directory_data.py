"""The shipped sample directory: the bloc's exact shape, sectors, tree, names and addresses."""

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from services.cases.categories import GRASSROOTS_KINDS, SECTORS, UNIT_KINDS
from services.common.categories import CATEGORIES

DIRECTORY = Path(__file__).resolve().parents[2] / "services/cases/data/directory.json"
AGENCY_SECTORS = {"state_agency", "public_service"}
ENTERPRISE_SECTORS = {"state_enterprise_majority", "state_enterprise_minority",
                      "private_enterprise"}
CODE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
EMAIL = re.compile(r"^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.example\.vn$")


@pytest.fixture(scope="module")
def document():
    return json.loads(DIRECTORY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def units(document):
    return {u["code"]: u for u in document["units"]}


def _grassroots(units):
    return [u for u in units.values()
            if u["kind"] in ("grassroots_committee", "grassroots_cell")]


def test_document_has_version_bloc_name_and_units_of_known_kinds(document):
    assert document["version"] == 1
    assert document["bloc"].startswith("Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh ")
    assert {u["kind"] for u in document["units"]} <= set(UNIT_KINDS)
    for unit in document["units"]:
        assert set(unit) == {"code", "name", "kind", "sector", "parent", "emails",
                             "webhook_url", "head"}


def test_bloc_committee_advisory_bodies_and_mass_organisations_sit_where_expected(units):
    bloc = [u for u in units.values() if u["kind"] == "bloc_committee"]
    assert [u["code"] for u in bloc] == ["DUK"]
    assert bloc[0]["parent"] is None
    advisory = {c for c, u in units.items() if u["kind"] == "advisory_body"}
    mass = {c for c, u in units.items() if u["kind"] == "mass_organisation"}
    assert advisory == {"VP", "BTC", "UBKT", "BTGDV", "DTN"}
    assert mass == {"CDK", "CCB"}
    assert all(units[c]["parent"] == "DUK" for c in advisory | mass)


def test_sample_bloc_has_113_grassroots_organisations_50_committees_63_cells(units):
    grassroots = _grassroots(units)
    kinds = Counter(u["kind"] for u in grassroots)
    assert len(grassroots) == 113
    assert kinds == {"grassroots_committee": 50, "grassroots_cell": 63}
    assert all(u["parent"] == "DUK" for u in grassroots)
    committees = sorted(u["code"] for u in grassroots if u["kind"] == "grassroots_committee")
    cells = sorted(u["code"] for u in grassroots if u["kind"] == "grassroots_cell")
    assert committees == [f"DB-{i:03d}" for i in range(1, 51)]
    assert cells == [f"CB-{i:03d}" for i in range(1, 64)]
    for unit in grassroots:
        prefix = "Đảng bộ " if unit["kind"] == "grassroots_committee" else "Chi bộ "
        assert unit["name"].startswith(prefix), unit["code"]


def test_sectors_split_62_agencies_and_public_units_51_enterprises(units):
    sectors = Counter(u["sector"] for u in _grassroots(units))
    assert sum(sectors[s] for s in AGENCY_SECTORS) == 62
    assert sum(sectors[s] for s in ENTERPRISE_SECTORS) == 51
    assert all(sectors[s] > 0 for s in SECTORS)
    for unit in units.values():
        if unit["kind"] in GRASSROOTS_KINDS:
            assert unit["sector"] in SECTORS, unit["code"]
        else:
            assert unit["sector"] is None, unit["code"]


def test_names_fit_their_sector(units):
    for unit in _grassroots(units):
        name, sector = unit["name"], unit["sector"]
        if " Sở " in f" {name} ":
            assert sector == "state_agency", name
        if "Bệnh viện" in name or "Trường " in name:
            assert sector == "public_service", name
        if "Công ty" in name or "Ngân hàng TMCP" in name:
            assert sector in ENTERPRISE_SECTORS, name
        if "Công ty TNHH" in name and "một thành viên" not in name:
            assert sector == "private_enterprise", name
        if sector == "state_enterprise_minority":
            assert "Công ty Cổ phần" in name, name


def test_every_parent_exists_and_there_are_no_cycles(units):
    for code, unit in units.items():
        seen, current = {code}, unit["parent"]
        while current is not None:
            assert current in units, f"{code}: unknown parent {current}"
            assert current not in seen, f"{code}: cycle through {current}"
            seen.add(current)
            current = units[current]["parent"]
    roots = {c for c, u in units.items() if u["parent"] is None}
    assert roots == {"DUK"} | {c for c, u in units.items() if u["kind"] == "department"}


def test_codes_are_unique_and_names_are_nfc_vietnamese(document):
    codes = [u["code"] for u in document["units"]]
    assert len(codes) == len(set(codes))
    for unit in document["units"]:
        assert CODE.match(unit["code"]) and len(unit["code"]) <= 32, unit["code"]
        texts = (unit["name"], unit["head"]["name"], unit["head"]["title"])
        for text in texts:
            assert text and text == unicodedata.normalize("NFC", text), unit["code"]
            assert text == " ".join(text.split()), unit["code"]
        assert any(ord(ch) > 127 for ch in unit["name"]), unit["name"]
        assert len(unit["head"]["name"].split()) >= 3, unit["code"]
    top_level = [u["name"] for u in document["units"] if u["kind"] != "sub_cell"]
    assert len(top_level) == len(set(top_level))


def test_sub_cells_sit_under_grassroots_committees_and_share_their_sector(units):
    sub_cells = [u for u in units.values() if u["kind"] == "sub_cell"]
    per_parent = Counter(u["parent"] for u in sub_cells)
    assert len(per_parent) == 10
    assert all(3 <= n <= 6 for n in per_parent.values())
    for unit in sub_cells:
        parent = units[unit["parent"]]
        assert parent["kind"] == "grassroots_committee", unit["code"]
        assert unit["sector"] == parent["sector"], unit["code"]
        assert re.fullmatch(rf"{unit['parent']}-CB\d\d", unit["code"]), unit["code"]
        assert unit["name"].startswith("Chi bộ "), unit["code"]


def test_departments_include_every_category_default_unit(units):
    departments = {c for c, u in units.items() if u["kind"] == "department"}
    assert 12 <= len(departments) <= 18
    assert {"SO-NV", "SO-YTE", "SO-TNMT", "CA-TINH", "BHXH", "LDLD", "MTTQ", "BTC-TU",
            "UBKT-TU"} <= departments
    for category in CATEGORIES:
        if category.default_unit:
            assert category.default_unit in units, category.code
            assert units[category.default_unit]["kind"] == category.default_unit_kind


def test_emails_use_example_domains_only(units):
    for code, unit in units.items():
        assert 1 <= len(unit["emails"]) <= 2, code
        assert len(set(unit["emails"])) == len(unit["emails"]), code
        for address in unit["emails"]:
            assert EMAIL.match(address), address
    hooks = {c: u["webhook_url"] for c, u in units.items() if u["webhook_url"] is not None}
    assert 8 <= len(hooks) <= 12
    for code, url in hooks.items():
        assert url == f"https://hooks.example.vn/{code.lower()}"
