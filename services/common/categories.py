"""The catalogue of grassroots matter categories: the shared vocabulary of every channel."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """A kind of grassroots matter and which kind of unit normally handles it."""

    code: str
    name_vi: str
    name_en: str
    default_unit_kind: str
    default_unit: str | None = None

    def name(self, lang="vi"):
        """The category's name in a language (Vietnamese unless English is asked for)."""
        return self.name_en if lang == "en" else self.name_vi


CATEGORIES = (
    Category("party_building", "Xây dựng Đảng", "Party building", "advisory_body", "BTC"),
    Category("ideology", "Tư tưởng, tâm trạng đảng viên", "Ideology and morale of members",
             "advisory_body", "BTGDV"),
    Category("political_task", "Thực hiện nhiệm vụ chính trị, sản xuất kinh doanh",
             "Political task and production", "grassroots_committee"),
    Category("inspection", "Kiểm tra, giám sát", "Inspection and supervision",
             "advisory_body", "UBKT"),
    Category("welfare", "Chế độ, chính sách đối với người lao động",
             "Policy and welfare of workers", "department", "SO-NV"),
    Category("wages_insurance", "Tiền lương, bảo hiểm xã hội", "Wages and social insurance",
             "department", "BHXH"),
    Category("environment", "Môi trường", "Environment", "department", "SO-TNMT"),
    Category("security", "An ninh, trật tự", "Security and order", "department", "CA-TINH"),
    Category("mass_organisations", "Công tác đoàn thể", "Mass organisations",
             "mass_organisation", "CDK"),
    Category("other", "Khác", "Other", "advisory_body", "VP"),
)
BY_CODE = {c.code: c for c in CATEGORIES}
CATEGORY_CODES = tuple(BY_CODE)


def category(code):
    """The category with this code, or None."""
    return BY_CODE.get(code)
