"""Texts of the public pages (form, confirmation, tracking), Vietnamese first."""

TEXTS = {
    "app": {"vi": "Phản ánh, kiến nghị gửi Đảng ủy Khối",
            "en": "Feedback to the Bloc Party Committee"},
    "nav.form": {"vi": "Gửi phản ánh", "en": "Send feedback"},
    "nav.track": {"vi": "Tra cứu", "en": "Track"},
    "switch": {"vi": "English", "en": "Tiếng Việt"},

    # the form
    "form.title": {"vi": "Gửi phản ánh, kiến nghị", "en": "Send feedback or a petition"},
    "form.intro": {"vi": "Phản ánh của bạn được chuyển tới đơn vị có trách nhiệm xử lý. "
                         "Sau khi gửi, bạn nhận được một mã để theo dõi kết quả.",
                   "en": "Your feedback goes to the unit responsible for it. After sending "
                         "you get a code to follow what happens to it."},
    "required": {"vi": "bắt buộc", "en": "required"},
    "label.title": {"vi": "Tiêu đề", "en": "Title"},
    "hint.title": {"vi": "Tóm tắt vấn đề trong một câu (3–200 ký tự).",
                   "en": "Sum the matter up in one sentence (3–200 characters)."},
    "label.body": {"vi": "Nội dung", "en": "Details"},
    "hint.body": {"vi": "Sự việc ở đâu, khi nào, ai liên quan, bạn đề nghị gì.",
                  "en": "Where and when it happened, who is involved, what you ask for."},
    "label.category": {"vi": "Lĩnh vực", "en": "Category"},
    "label.unit_code": {"vi": "Đơn vị của bạn", "en": "Your unit"},
    "hint.unit_code": {"vi": "Tổ chức đảng, cơ quan hoặc doanh nghiệp nơi bạn sinh hoạt, "
                             "công tác.",
                       "en": "The party organisation, agency or enterprise where you work."},
    "choice.unknown": {"vi": "Không rõ", "en": "Don't know"},
    "unit_group.grassroots_committee": {"vi": "Đảng bộ cơ sở và chi bộ trực thuộc",
                                        "en": "Grassroots party committees and their cells"},
    "unit_group.grassroots_cell": {"vi": "Chi bộ cơ sở", "en": "Grassroots party cells"},
    "unit_group.bloc": {"vi": "Đảng ủy Khối, các ban và đoàn thể",
                        "en": "Bloc committee, its boards and mass organisations"},
    "unit_group.department": {"vi": "Sở, ban, ngành của tỉnh",
                              "en": "Provincial departments"},
    "unit_group.other": {"vi": "Đơn vị khác", "en": "Other units"},
    "reporter.legend": {"vi": "Người phản ánh (không bắt buộc)", "en": "About you (optional)"},
    "reporter.hint": {"vi": "Bạn có thể gửi ẩn danh: để trống các ô dưới đây. Họ tên và "
                            "liên hệ chỉ cán bộ xử lý được xem, không bao giờ hiện khi tra cứu.",
                      "en": "You may stay anonymous: leave the fields below empty. Only the "
                            "officers handling your feedback see your name and contact; the "
                            "tracking page never shows them."},
    "label.name": {"vi": "Họ và tên", "en": "Name"},
    "label.contact": {"vi": "Số điện thoại hoặc email", "en": "Phone or email"},
    "label.consent": {"vi": "Tôi đồng ý để cơ quan liên hệ lại",
                      "en": "I agree to be contacted"},
    "hint.consent": {"vi": "Nếu không đánh dấu, cơ quan sẽ không liên hệ với bạn; số điện "
                           "thoại hoặc email bạn ghi (nếu có) vẫn được lưu kèm phản ánh.",
                     "en": "If you leave this unticked nobody will contact you; a phone or "
                           "email you give is still kept with your feedback."},
    "label.website": {"vi": "Để trống ô này", "en": "Leave this field empty"},
    "submit": {"vi": "Gửi phản ánh", "en": "Send feedback"},
    "cookies": {"vi": "Trang này chỉ dùng cookie để chống giả mạo biểu mẫu và nhớ ngôn ngữ "
                      "bạn chọn.",
                "en": "This site uses cookies only to protect the form against forgery and to "
                      "remember your language."},

    # what to fix
    "notice.fix": {"vi": "Chưa gửi được: hãy sửa các ô được đánh dấu. Nội dung bạn đã nhập "
                         "vẫn được giữ nguyên.",
                   "en": "Not sent yet: fix the fields marked below. What you typed is kept."},
    "notice.csrf": {"vi": "Chưa gửi được vì phiên làm việc đã hết hạn hoặc trình duyệt chặn "
                          "cookie. Nội dung vẫn được giữ; hãy bấm “Gửi phản ánh” lần nữa.",
                    "en": "Not sent: your session expired or your browser blocked cookies. "
                          "What you typed is kept; press “Send feedback” again."},
    "notice.honeypot": {"vi": "Chưa gửi được: ô “Để trống ô này” có nội dung, như khi biểu mẫu "
                              "bị điền tự động. Hãy xoá nội dung ô đó rồi gửi lại.",
                        "en": "Not sent: the “Leave this field empty” field has text in it, as "
                              "when a form is filled in automatically. Clear it and send again."},
    "notice.already_sent": {"vi": "Biểu mẫu này đã được gửi trước đó với nội dung khác, nên lần "
                                  "này chưa gửi. Nếu bạn muốn gửi thêm một phản ánh mới, hãy "
                                  "kiểm tra lại và bấm “Gửi phản ánh”.",
                            "en": "This form was already sent with other text, so nothing was "
                                  "sent this time. To send a new piece of feedback, check it and "
                                  "press “Send feedback”."},
    "notice.unavailable": {"vi": "Hệ thống đang tạm gián đoạn nên chưa lưu được phản ánh. Nội "
                                 "dung vẫn được giữ; hãy thử gửi lại sau ít phút.",
                           "en": "The system is briefly unavailable and nothing was stored. "
                                 "What you typed is kept; try again in a few minutes."},
    "error.title": {"vi": "Hãy ghi tiêu đề từ 3 đến 200 ký tự.",
                    "en": "Write a title of 3 to 200 characters."},
    "error.body": {"vi": "Hãy ghi nội dung phản ánh (tối đa 10.000 ký tự).",
                   "en": "Write the details (at most 10,000 characters)."},
    "error.category": {"vi": "Hãy chọn lĩnh vực trong danh sách.",
                       "en": "Choose a category from the list."},
    "error.unit_code": {"vi": "Đơn vị này không có trong danh mục; hãy chọn trong danh sách "
                              "hoặc chọn “Không rõ”.",
                        "en": "This unit is not in the directory; choose one from the list or "
                              "“Don't know”."},
    "error.name": {"vi": "Họ tên tối đa 120 ký tự.", "en": "A name has at most 120 characters."},
    "error.contact": {"vi": "Hãy ghi số điện thoại (ví dụ 0912 345 678) hoặc email (ví dụ "
                            "ten@example.vn), tối đa 200 ký tự.",
                      "en": "Give a phone number (e.g. 0912 345 678) or an email address "
                            "(e.g. name@example.vn), at most 200 characters."},
    "error.consent_without_contact": {"vi": "Bạn đã đồng ý để được liên hệ lại: hãy ghi số "
                                            "điện thoại hoặc email, hoặc bỏ đánh dấu.",
                                      "en": "You agreed to be contacted: give a phone number "
                                            "or email, or untick the box."},
    "error.website": {"vi": "Ô này phải để trống; hãy xoá nội dung rồi gửi lại.",
                      "en": "This field must stay empty; clear it and send again."},

    # refusals before the form can be read
    "reason.too_large.title": {"vi": "Nội dung quá dài", "en": "Too much text"},
    "reason.too_large": {"vi": "Biểu mẫu gửi lên lớn hơn 128 KB nên không được lưu. Hãy bấm nút "
                               "Quay lại của trình duyệt, rút ngắn nội dung rồi gửi lại.",
                         "en": "The form sent was larger than 128 KB and nothing was stored. "
                               "Go back in your browser, shorten the text and send it again."},
    "reason.unsupported_media_type.title": {"vi": "Không đọc được biểu mẫu",
                                            "en": "The form could not be read"},
    "reason.unsupported_media_type": {
        "vi": "Biểu mẫu phải được gửi dạng application/x-www-form-urlencoded, mã UTF-8. "
              "Không có gì được lưu. Hãy gửi từ trang biểu mẫu.",
        "en": "The form must be sent as application/x-www-form-urlencoded in UTF-8. Nothing "
              "was stored. Send it from the form page."},
    "reason.invalid_utf8.title": {"vi": "Ký tự không hợp lệ", "en": "Invalid characters"},
    "reason.invalid_utf8": {"vi": "Biểu mẫu có ký tự không phải UTF-8 nên không được lưu. Hãy "
                                  "quay lại, gõ lại nội dung bằng bộ gõ tiếng Việt Unicode rồi "
                                  "gửi lại.",
                            "en": "The form contained bytes that are not UTF-8 and nothing was "
                                  "stored. Go back, retype the text with a Unicode keyboard and "
                                  "send it again."},
    "reason.too_many_fields.title": {"vi": "Không đọc được biểu mẫu",
                                     "en": "The form could not be read"},
    "reason.too_many_fields": {"vi": "Biểu mẫu có quá nhiều trường nên không được lưu. Hãy tải "
                                     "lại trang biểu mẫu rồi gửi lại.",
                               "en": "The form had too many fields and nothing was stored. "
                                     "Reload the form page and send it again."},
    "reason.too_many_requests.title": {"vi": "Gửi quá nhiều lần",
                                       "en": "Too many requests"},
    "reason.too_many_requests": {
        "vi": "Từ địa chỉ của bạn có quá nhiều yêu cầu trong một phút. Hãy đợi một chút rồi thử "
              "lại; nội dung chưa được lưu.",
        "en": "Too many requests came from your address within a minute. Wait a moment and try "
              "again; nothing was stored."},
    "reason.unknown_code.title": {"vi": "Không tìm thấy", "en": "Not found"},
    "reason.unknown_code": {"vi": "Không có phản ánh nào mang mã này. Hãy kiểm tra lại mã.",
                            "en": "No feedback has this code. Check the code."},
    "back": {"vi": "Về trang gửi phản ánh", "en": "Back to the form"},

    # confirmation
    "submitted.title": {"vi": "Đã gửi phản ánh", "en": "Your feedback was sent"},
    "submitted.code_label": {"vi": "Mã theo dõi của bạn", "en": "Your tracking code"},
    "submitted.advice": {"vi": "Hãy ghi lại mã này hoặc chụp màn hình ngay. Đây là cách duy "
                               "nhất để theo dõi phản ánh; nếu bạn gửi ẩn danh, cơ quan không "
                               "thể gửi lại mã cho bạn.",
                         "en": "Write this code down or take a screenshot now. It is the only "
                               "way to follow your feedback; if you stayed anonymous nobody "
                               "can send it to you again."},
    "submitted.track": {"vi": "Xem tình trạng xử lý", "en": "See its progress"},
    "submitted.another": {"vi": "Gửi phản ánh khác", "en": "Send other feedback"},

    # tracking
    "track.title": {"vi": "Tra cứu phản ánh", "en": "Track your feedback"},
    "track.code_label": {"vi": "Mã theo dõi", "en": "Tracking code"},
    "track.code_hint": {"vi": "11 chữ và số, ví dụ 7K2M-9QXD-4TZ. Có thể gõ chữ thường, không "
                              "cần dấu gạch.",
                        "en": "11 letters and digits, e.g. 7K2M-9QXD-4TZ. Lower case and no "
                              "dashes are fine."},
    "track.submit": {"vi": "Tra cứu", "en": "Look up"},
    "track.invalid": {"vi": "Mã chưa đúng: mã gồm 11 chữ và số (dạng XXXX-XXXX-XXX). Hãy kiểm "
                            "tra lại từng ký tự.",
                      "en": "That is not a valid code: it has 11 letters and digits "
                            "(XXXX-XXXX-XXX). Check each character."},
    "track.unknown": {"vi": "Không tìm thấy phản ánh có mã này. Hãy kiểm tra lại mã đã ghi "
                            "khi gửi.",
                      "en": "No feedback has this code. Check the code you noted when sending."},
    "track.code": {"vi": "Mã", "en": "Code"},
    "track.submitted_at": {"vi": "Ngày gửi", "en": "Sent on"},
    "track.category": {"vi": "Lĩnh vực", "en": "Category"},
    "track.status": {"vi": "Tình trạng", "en": "Status"},
    "track.updated_at": {"vi": "Cập nhật lần cuối", "en": "Last update"},
    "track.progress": {"vi": "Tiến độ", "en": "Progress"},
    "track.answer": {"vi": "Trả lời", "en": "Answer"},
    "track.no_answer": {"vi": "Chưa có trả lời.", "en": "No answer yet."},
    "track.comments": {"vi": "Thông tin từ cơ quan xử lý", "en": "Updates from the officers"},
    "track.no_comments": {"vi": "Chưa có thông tin.", "en": "No updates yet."},
    "time_zone": {"vi": "giờ Việt Nam", "en": "Vietnam time"},

    # statuses as the reporter reads them, and the progress steps
    "status.received": {"vi": "Đã gửi, chờ tiếp nhận", "en": "Sent, waiting to be received"},
    "status.new": {"vi": "Đã tiếp nhận, đang phân loại", "en": "Received, being sorted"},
    "status.assigned": {"vi": "Đã chuyển đơn vị xử lý", "en": "Passed to the unit in charge"},
    "status.in_progress": {"vi": "Đang xử lý", "en": "Being handled"},
    "status.awaiting_info": {"vi": "Đang chờ bổ sung thông tin",
                             "en": "Waiting for more information"},
    "status.resolved": {"vi": "Đã có kết quả, đang xác nhận", "en": "Answered, being confirmed"},
    "status.closed": {"vi": "Đã kết thúc", "en": "Closed"},
    "status.rejected": {"vi": "Không thụ lý", "en": "Not taken up"},
    "status.merged": {"vi": "Đã gộp với phản ánh cùng nội dung",
                      "en": "Merged with matching feedback"},
    "status.unknown": {"vi": "Đang cập nhật", "en": "Being updated"},
    "step.received": {"vi": "Đã gửi", "en": "Sent"},
    "step.new": {"vi": "Tiếp nhận, phân loại", "en": "Received and sorted"},
    "step.assigned": {"vi": "Giao đơn vị xử lý", "en": "Passed to a unit"},
    "step.in_progress": {"vi": "Đang xử lý", "en": "Being handled"},
    "step.awaiting_info": {"vi": "Chờ bổ sung thông tin", "en": "Waiting for information"},
    "step.resolved": {"vi": "Có kết quả", "en": "Answered"},
    "step.closed": {"vi": "Kết thúc", "en": "Closed"},
    "step.rejected": {"vi": "Không thụ lý", "en": "Not taken up"},
    "step.merged": {"vi": "Gộp với phản ánh cùng nội dung", "en": "Merged with matching feedback"},
}
