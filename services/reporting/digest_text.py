"""The words of a digest: its title, period and the short Vietnamese summary the email shows.

Numbers are written the Vietnamese way (1.234 vụ việc, 87,5%), dates as dd/mm/yyyy.
"""

from .digest_periods import Period

KIND_NAMES = {"weekly": "Báo cáo tuần", "monthly": "Báo cáo tháng", "quarter1": "Báo cáo quý I",
              "half_year": "Báo cáo 6 tháng", "nine_months": "Báo cáo 9 tháng",
              "year": "Báo cáo năm"}


def vi_number(value, decimals=0):
    """`1234` → "1.234", `87.5` with one decimal → "87,5" (a trailing ",0" is dropped)."""
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.removesuffix("," + "0" * decimals) if decimals else text


def vi_percent(value):
    """A percentage to one decimal place, Vietnamese style: "87%", "87,5%"."""
    return vi_number(value, 1) + "%"


def date_range(start, end):
    """"từ 16/11 đến 22/11/2026", with both years written when they differ."""
    first = f"{start:%d/%m}" if start.year == end.year else f"{start:%d/%m/%Y}"
    return f"từ {first} đến {end:%d/%m/%Y}"


def period_label(period):
    """The period's days as the email's facts show them: "16/11/2026 – 22/11/2026"."""
    return f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"


def _span(period):
    """What the period is called after its kind's name: "tháng 10/2026", "năm 2026"."""
    year = period.start.year
    if period.kind == "weekly":
        iso_year, week, _ = period.start.isocalendar()
        return f"tuần {week}/{iso_year}"
    if period.kind == "monthly":
        return f"tháng {period.start:%m/%Y}"
    if period.kind == "quarter1":
        return f"quý I năm {year}"
    if period.kind == "year":
        return f"năm {year}"
    return f"{period.end.month} tháng đầu năm {year}"


def title(period: Period):
    """"Báo cáo tuần 47/2026 (16/11 – 22/11/2026)", "Báo cáo tháng 10/2026", "Báo cáo quý I
    năm 2026", "Báo cáo 6 tháng đầu năm 2026", "Báo cáo 9 tháng đầu năm 2026", "Báo cáo năm
    2026"."""
    if period.kind == "weekly":
        first = f"{period.start:%d/%m}" if period.start.year == period.end.year \
            else f"{period.start:%d/%m/%Y}"
        return f"Báo cáo {_span(period)} ({first} – {period.end:%d/%m/%Y})"
    return f"Báo cáo {_span(period)}"


def lead(period):
    """The opening of the summary: "Trong tuần từ 16/11 đến 22/11/2026", "Trong quý I/2026"."""
    if period.kind == "weekly":
        return f"Trong tuần {date_range(period.start, period.end)}"
    if period.kind == "quarter1":
        return f"Trong quý I/{period.start.year}"
    return f"Trong {_span(period)}"


def _compliance_clause(compliance):
    """What the summary says of monthly situation reports, or None when there is nothing."""
    counts, months = compliance["counts"], compliance["periods"]
    named = f"tháng {months[0][5:]}/{months[0][:4]}" if len(months) == 1 else \
        f"các tháng {months[0][5:]}–{months[-1][5:]}/{months[-1][:4]}"
    missing = compliance["units_missing"]
    if missing:
        return f"{vi_number(missing)} tổ chức cơ sở chưa gửi báo cáo {named}"
    if not any(counts.values()):
        return None
    if counts["pending"]:
        return f"báo cáo {named} chưa đến hạn nộp"
    return f"các tổ chức cơ sở đã gửi đủ báo cáo {named}"


def summary(period, sections):
    """The digest in one Vietnamese sentence, e.g. "Trong tuần từ 16/11 đến 22/11/2026: tiếp
    nhận 42 vụ việc, giải quyết 30 (đúng hạn 87%); hiện có 5 vụ việc quá hạn, 2 vụ việc nóng,
    khẩn đang xử lý; 3 tổ chức cơ sở chưa gửi báo cáo tháng 10/2026."."""
    received = sections["summary"]["rows"][0]["received"]
    resolved, rate = sections["on_time"]["rows"][-1]["resolved"], sections["on_time"]["rate"]
    handled = f"giải quyết {vi_number(resolved)}"
    if rate is not None:
        handled += f" (đúng hạn {vi_percent(rate)})"
    parts = [f"tiếp nhận {vi_number(received)} vụ việc, {handled}",
             f"hiện có {vi_number(sections['overdue']['total'])} vụ việc quá hạn, "
             f"{vi_number(sections['hot']['total'])} vụ việc nóng, khẩn đang xử lý"]
    clause = _compliance_clause(sections["compliance"])
    if clause:
        parts.append(clause)
    return f"{lead(period)}: {'; '.join(parts)}."
