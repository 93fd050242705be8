"""Texts of the leadership dashboard and its charts, Vietnamese first."""

from .compliance import STATUS_LABELS as COMPLIANCE_LABELS
from .labels import CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS

TEXTS = {
    "app": {"vi": "Bảng điều hành của lãnh đạo", "en": "Leadership dashboard"},
    "subtitle": {"vi": "Tình hình tiếp nhận và giải quyết phản ánh, kiến nghị ở cơ sở",
                 "en": "How grassroots feedback and petitions are received and resolved"},
    "switch": {"vi": "English", "en": "Tiếng Việt"},
    "console": {"vi": "Trang xử lý hồ sơ", "en": "Case console"},
    "signed_in_as": {"vi": "Đăng nhập: {name}", "en": "Signed in: {name}"},

    # the filter form
    "filters": {"vi": "Điều kiện xem", "en": "Filters"},
    "range": {"vi": "Kỳ", "en": "Period"},
    "range.week": {"vi": "Tuần này", "en": "This week"},
    "range.month": {"vi": "Tháng này", "en": "This month"},
    "range.quarter": {"vi": "Quý này", "en": "This quarter"},
    "range.year": {"vi": "Năm nay", "en": "This year"},
    "range.custom": {"vi": "Tùy chọn (từ ngày – đến ngày)", "en": "Custom (from – to)"},
    "from": {"vi": "Từ ngày", "en": "From"},
    "to": {"vi": "Đến ngày", "en": "To"},
    "unit": {"vi": "Đơn vị (mã)", "en": "Unit (code)"},
    "category": {"vi": "Lĩnh vực", "en": "Category"},
    "priority": {"vi": "Mức độ", "en": "Priority"},
    "channel": {"vi": "Kênh tiếp nhận", "en": "Channel"},
    "all": {"vi": "Tất cả", "en": "All"},
    "apply": {"vi": "Xem", "en": "Show"},
    "reset": {"vi": "Bỏ lọc", "en": "Clear filters"},
    "period_line": {"vi": "Từ ngày {start} đến ngày {end}", "en": "From {start} to {end}"},
    "bad_filters": {"vi": "Điều kiện lọc không hợp lệ, đã bỏ qua: {fields}.",
                    "en": "Some filters were not valid and were ignored: {fields}."},
    "bad.unit": {"vi": "không có đơn vị mang mã này", "en": "no unit has this code"},
    "bad.date": {"vi": "ngày phải viết dạng YYYY-MM-DD, «đến ngày» không trước «từ ngày»",
                 "en": "dates are YYYY-MM-DD and «to» is not before «from»"},
    "bad.choice": {"vi": "giá trị không có trong danh sách", "en": "not one of the choices"},

    # drill-down
    "whole_bloc": {"vi": "Toàn Khối", "en": "Whole bloc"},
    "breadcrumb": {"vi": "Đang xem", "en": "Viewing"},
    "subunits": {"vi": "Đơn vị trực thuộc ({count})", "en": "Units below ({count})"},

    # figures
    "figures": {"vi": "Số liệu chính", "en": "Key figures"},
    "received": {"vi": "Tiếp nhận", "en": "Received"},
    "open": {"vi": "Đang xử lý", "en": "Open"},
    "resolved": {"vi": "Giải quyết", "en": "Resolved"},
    "awaiting_confirmation": {"vi": "Đã xử lý, chờ xác nhận", "en": "Resolved, to confirm"},
    "closed": {"vi": "Đã kết thúc", "en": "Closed"},
    "rejected": {"vi": "Không thụ lý", "en": "Rejected"},
    "merged": {"vi": "Đã gộp", "en": "Merged"},
    "overdue": {"vi": "Đang quá hạn", "en": "Overdue"},
    "on_time_rate": {"vi": "Tỷ lệ giải quyết đúng hạn", "en": "Resolved on time"},
    "median_days": {"vi": "Thời gian giải quyết (trung vị)", "en": "Time to resolve (median)"},
    "working_days": {"vi": "ngày làm việc", "en": "working days"},
    "no_figure": {"vi": "chưa có số liệu", "en": "no data yet"},

    # sections
    "section.trend": {"vi": "Xu hướng tiếp nhận và giải quyết",
                      "en": "Cases received and resolved over time"},
    "section.on_time": {"vi": "Giải quyết đúng hạn và trễ hạn", "en": "Resolved on time and late"},
    "section.resolution_time": {"vi": "Thời gian giải quyết (ngày làm việc)",
                                "en": "Time to resolve (working days)"},
    "section.ageing": {"vi": "Thời gian tồn đọng của vụ việc đang xử lý",
                       "en": "Age of the open backlog"},
    "section.overdue": {"vi": "Vụ việc quá hạn", "en": "Overdue cases"},
    "section.hot": {"vi": "Vụ việc nóng, khẩn đang xử lý", "en": "Open hot and urgent matters"},
    "section.top_units": {"vi": "Đơn vị tồn đọng nhiều vụ việc nhất",
                          "en": "Units with the largest backlog"},
    "section.compliance": {"vi": "Báo cáo định kỳ tháng {period}",
                           "en": "Monthly reports for {period}"},
    "section.summary": {"vi": "Tình hình theo trạng thái", "en": "Cases by status"},
    "download": {"vi": "Tải về", "en": "Download"},
    "none": {"vi": "Không có vụ việc nào.", "en": "No cases."},
    "shown_of": {"vi": "Hiển thị {shown}/{total}; tải về để xem đủ.",
                 "en": "Showing {shown} of {total}; download for all."},
    "unassigned": {"vi": "Chưa giao: {count}", "en": "Not yet assigned: {count}"},

    # columns
    "col.code": {"vi": "Mã tra cứu", "en": "Tracking code"},
    "col.title": {"vi": "Tiêu đề", "en": "Title"},
    "col.priority": {"vi": "Mức độ", "en": "Priority"},
    "col.status": {"vi": "Trạng thái", "en": "Status"},
    "col.unit": {"vi": "Đơn vị xử lý", "en": "Assigned unit"},
    "col.deadline": {"vi": "Hạn xử lý", "en": "Deadline"},
    "col.days_overdue": {"vi": "Số ngày quá hạn", "en": "Working days overdue"},
    "col.days_open": {"vi": "Số ngày đã qua", "en": "Working days open"},
    "col.group": {"vi": "Mức độ", "en": "Priority"},
    "col.resolved": {"vi": "Đã giải quyết", "en": "Resolved"},
    "col.on_time": {"vi": "Đúng hạn", "en": "On time"},
    "col.late": {"vi": "Trễ hạn", "en": "Late"},
    "col.rate": {"vi": "Tỷ lệ đúng hạn (%)", "en": "On time (%)"},
    "col.median": {"vi": "Trung vị", "en": "Median"},
    "col.p90": {"vi": "Phân vị 90", "en": "90th percentile"},
    "col.max": {"vi": "Lâu nhất", "en": "Longest"},
    "col.age": {"vi": "Thời gian tồn đọng", "en": "Age"},
    "col.cases": {"vi": "Đang mở", "en": "Open"},
    "col.of_which_overdue": {"vi": "Trong đó quá hạn", "en": "Of which overdue"},
    "col.rank": {"vi": "Hạng", "en": "Rank"},
    "col.unit_name": {"vi": "Đơn vị", "en": "Unit"},
    "col.hot_urgent": {"vi": "Nóng, khẩn", "en": "Hot, urgent"},
    "col.kind": {"vi": "Loại hình", "en": "Kind"},
    "col.report_status": {"vi": "Tình trạng", "en": "Status"},
    "col.submitted_at": {"vi": "Nộp lúc", "en": "Sent at"},

    # charts
    "chart.trend": {"vi": "Số vụ việc tiếp nhận và giải quyết theo {by}",
                    "en": "Cases received and resolved per {by}"},
    "by.week": {"vi": "tuần", "en": "week"},
    "by.month": {"vi": "tháng", "en": "month"},
    "week_short": {"vi": "T{week}", "en": "W{week}"},
    "chart.on_time": {"vi": "Giải quyết đúng hạn và trễ hạn theo mức độ",
                      "en": "Resolved on time and late, by priority"},
    "chart.summary": {"vi": "Vụ việc tiếp nhận trong kỳ theo tình trạng hiện nay",
                      "en": "Cases received in the period by where they stand now"},
    "chart.ageing": {"vi": "Vụ việc đang xử lý theo thời gian tồn đọng",
                     "en": "Open cases by age"},
    "chart.cases": {"vi": "Số vụ việc", "en": "Cases"},
    "chart.to_confirm": {"vi": "Chờ xác nhận", "en": "To confirm"},
    "age.0-5": {"vi": "0–5 ngày", "en": "0–5 days"},
    "age.6-10": {"vi": "6–10 ngày", "en": "6–10 days"},
    "age.11-20": {"vi": "11–20 ngày", "en": "11–20 days"},
    "age.>20": {"vi": "Trên 20 ngày", "en": "Over 20 days"},

    # access
    "forbidden.title": {"vi": "Không có quyền truy cập", "en": "Access denied"},
    "forbidden.body": {"vi": "Bảng điều hành và báo cáo định kỳ chỉ dành cho lãnh đạo, Văn phòng "
                             "Đảng ủy Khối và quản trị viên. Tài khoản {name} ({role}) không "
                             "được xem trang này.",
                       "en": "The dashboard and digests are for leaders, the bloc office and "
                             "administrators. The account {name} ({role}) may not see them."},
    "role.officer": {"vi": "cán bộ xử lý", "en": "officer"},
    "role.unit_head": {"vi": "lãnh đạo đơn vị", "en": "unit head"},
    "role.clerk": {"vi": "Văn phòng", "en": "office clerk"},
    "role.leader": {"vi": "lãnh đạo", "en": "leader"},
    "role.admin": {"vi": "quản trị viên", "en": "administrator"},
}

ENGLISH = {
    "priority": {"hot": "Hot", "urgent": "Urgent", "normal": "Normal"},
    "status": {"new": "New", "assigned": "Assigned", "in_progress": "In progress",
               "awaiting_info": "Awaiting information", "resolved": "Resolved",
               "closed": "Closed", "rejected": "Rejected", "merged": "Merged"},
    "channel": {"web": "Web portal", "api": "API", "import": "Paper forms", "open311": "Open311",
                "chatbot": "Chat bot", "meeting": "Meetings", "hotline": "Hotline",
                "periodic_report": "Periodic reports", "media": "Media"},
    "compliance": {"on_time": "On time", "late": "Late", "missing": "Missing (overdue)",
                   "pending": "Not yet due"},
}
VIETNAMESE = {"priority": PRIORITY_LABELS, "status": STATUS_LABELS, "channel": CHANNEL_LABELS,
              "compliance": COMPLIANCE_LABELS}
for _kind, _labels in VIETNAMESE.items():
    for _code, _label in _labels.items():
        TEXTS[f"{_kind}.{_code}"] = {"vi": _label, "en": ENGLISH[_kind][_code]}
# reports give Vietnamese labels; the page shows them in its language through their codes
CODE_OF_LABEL = {kind: {label: code for code, label in labels.items()}
                 for kind, labels in VIETNAMESE.items()}
