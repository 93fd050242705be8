"""Texts of the digest pages (`/reports/digests`), Vietnamese first; the dashboard's texts
(column names, sections, labels of priorities, statuses and compliance) are used besides."""

from collections import ChainMap

from services.common.i18n import Translations

from .dashboard_texts import TEXTS
from .digest_text import KIND_NAMES
from .labels import KIND_LABELS

KIND_NAMES_EN = {"weekly": "Weekly digest", "monthly": "Monthly digest",
                 "quarter1": "First-quarter digest", "half_year": "Six-month digest",
                 "nine_months": "Nine-month digest", "year": "Yearly digest"}
UNIT_KINDS_EN = {"grassroots_committee": "Grassroots party committee",
                 "grassroots_cell": "Grassroots party cell", "sub_cell": "Cell below a committee",
                 "department": "Provincial department", "advisory_body": "Advisory body",
                 "bloc_committee": "Bloc committee", "mass_organisation": "Mass organisation"}

DIGEST_TEXTS = {
    "digests.title": {"vi": "Báo cáo định kỳ", "en": "Digests"},
    "digests.intro": {"vi": "Báo cáo tuần, tháng, quý I, 6 tháng, 9 tháng và năm gửi lãnh đạo, "
                            "lập tự động sau khi kết thúc kỳ.",
                      "en": "Weekly, monthly, first-quarter, six-month, nine-month and yearly "
                            "digests for leadership, compiled after each period ends."},
    "digests.kind": {"vi": "Loại báo cáo", "en": "Kind"},
    "digests.period": {"vi": "Kỳ báo cáo", "en": "Period"},
    "digests.compiled": {"vi": "Lập lúc", "en": "Compiled"},
    "digests.summary": {"vi": "Tóm tắt", "en": "Summary"},
    "digests.none": {"vi": "Chưa có báo cáo nào.", "en": "No digests yet."},
    "digests.count": {"vi": "{total} báo cáo", "en": "{total} digests"},
    "digests.page": {"vi": "Trang {page}/{pages}", "en": "Page {page} of {pages}"},
    "digests.previous": {"vi": "« Trang trước", "en": "« Previous"},
    "digests.next": {"vi": "Trang sau »", "en": "Next »"},
    "digests.bad": {"vi": "Điều kiện không hợp lệ, đã bỏ qua: {fields}.",
                    "en": "Some parameters were not valid and were ignored: {fields}."},
    "digests.param.kind": {"vi": "loại báo cáo", "en": "kind"},
    "digests.param.page": {"vi": "số trang", "en": "page"},
    "digests.param.per_page": {"vi": "số báo cáo mỗi trang", "en": "digests per page"},
    "digests.param.lang": {"vi": "ngôn ngữ", "en": "language"},
    "digests.param.format": {"vi": "định dạng (html hoặc pdf)", "en": "format (html or pdf)"},
    "digests.dashboard": {"vi": "Bảng điều hành", "en": "Dashboard"},

    "digest.back": {"vi": "« Danh sách báo cáo định kỳ", "en": "« All digests"},
    "digest.period": {"vi": "Kỳ báo cáo: từ ngày {start} đến ngày {end}",
                      "en": "Period: {start} to {end}"},
    "digest.compiled": {"vi": "Lập lúc {at} (giờ Việt Nam)", "en": "Compiled {at} (Vietnam time)"},
    "digest.summary_vi": {"vi": "", "en": "Summary (in Vietnamese)"},
    "digest.vietnamese_title": {"vi": "", "en": "Vietnamese title"},
    "digest.pdf": {"vi": "Tải bản PDF", "en": "Download as PDF"},
    "digest.backlog": {"vi": "Tại thời điểm lập báo cáo.", "en": "As compiled."},
    "digest.results": {"vi": "Kết quả giải quyết trong kỳ", "en": "Resolutions in the period"},
    "digest.compliance": {"vi": "Tình hình gửi báo cáo tháng {months}",
                          "en": "Monthly reports for {months}"},
    "digest.units_missing": {"vi": "Tổ chức cơ sở chưa gửi báo cáo: {count}",
                             "en": "Grassroots units that have not reported: {count}"},
    "digest.behind": {"vi": "Đơn vị chưa gửi hoặc gửi trễ", "en": "Units missing or late"},
    "digest.none_behind": {"vi": "Không có đơn vị nào chưa gửi hoặc gửi trễ.",
                           "en": "No unit is missing or late."},
    "digest.shown_of": {"vi": "Hiển thị {shown} trên tổng số {total}.",
                        "en": "Showing {shown} of {total}."},
    "digest.trend_table": {"vi": "Số liệu theo {by}", "en": "Figures per {by}"},
    "digest.rejected": {"vi": "Không thụ lý", "en": "Rejected"},
    "missing.title": {"vi": "Không tìm thấy báo cáo", "en": "Digest not found"},
    "missing.body": {"vi": "Không có báo cáo định kỳ nào mang mã {id}. Có thể đường dẫn đã bị "
                           "cắt hoặc gõ sai.",
                     "en": "There is no digest with the id {id}. The link may have been cut "
                           "short or mistyped."},
    "col.month": {"vi": "Tháng", "en": "Month"},
    "col.due_on": {"vi": "Hạn nộp", "en": "Due on"},
    "col.days_late": {"vi": "Số ngày trễ", "en": "Days late"},
    "col.period": {"vi": "Thời gian", "en": "Period"},
    "col.mean": {"vi": "Trung bình", "en": "Mean"},
}
for _kind, _name in KIND_NAMES.items():
    DIGEST_TEXTS[f"kind.{_kind}"] = {"vi": _name, "en": KIND_NAMES_EN[_kind]}
for _kind, _name in KIND_LABELS.items():
    DIGEST_TEXTS[f"unit_kind.{_kind}"] = {"vi": _name, "en": UNIT_KINDS_EN[_kind]}
UNIT_KIND_OF_LABEL = {label: kind for kind, label in KIND_LABELS.items()}

ALL_TEXTS = ChainMap(DIGEST_TEXTS, TEXTS)


def translations(lang):
    """The digest pages' texts (then the dashboard's) in one language."""
    return Translations(ALL_TEXTS, lang)
