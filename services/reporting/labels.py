"""Vietnamese labels of the values reports show (the same words as the officer console)."""

STATUS_LABELS = {"new": "Mới tiếp nhận", "assigned": "Đã giao", "in_progress": "Đang xử lý",
                 "awaiting_info": "Chờ bổ sung thông tin", "resolved": "Đã xử lý, chờ xác nhận",
                 "closed": "Đã kết thúc", "rejected": "Không thụ lý", "merged": "Đã gộp"}
PRIORITY_LABELS = {"hot": "Nóng", "urgent": "Khẩn", "normal": "Thường"}
CHANNEL_LABELS = {"web": "Cổng thông tin", "api": "API", "import": "Nhập từ phiếu",
                  "open311": "Open311", "chatbot": "Chat-bot", "meeting": "Hội nghị, làm việc",
                  "hotline": "Đường dây nóng", "periodic_report": "Báo cáo định kỳ",
                  "media": "Báo chí, truyền thông"}
KIND_LABELS = {"grassroots_committee": "Đảng bộ cơ sở", "grassroots_cell": "Chi bộ cơ sở",
               "sub_cell": "Chi bộ trực thuộc", "department": "Sở, ban, ngành",
               "advisory_body": "Cơ quan tham mưu", "bloc_committee": "Đảng ủy Khối",
               "mass_organisation": "Đoàn thể"}
FILTER_LABELS = {"from": "Từ ngày", "to": "Đến ngày", "unit": "Đơn vị", "category": "Lĩnh vực",
                 "priority": "Mức độ", "channel": "Kênh tiếp nhận", "period": "Kỳ báo cáo"}
ALL = "Tất cả"
RESTRICTED_TITLE = "(nội dung hạn chế)"


def label(labels, value):
    """The label of a value, or the value itself when it has none."""
    return labels.get(value, value) if value is not None else None
