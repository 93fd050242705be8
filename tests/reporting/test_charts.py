"""Server-side SVG charts: well-formed, values reflected, every text escaped, accessible."""

import xml.etree.ElementTree as ET

import pytest

from services.common.i18n import Translations
from services.reporting.charts import (
    Series,
    bar_chart,
    nice_ticks,
    number,
    report_chart,
    stacked_bars,
)
from services.reporting.dashboard_texts import TEXTS
from services.reporting.results import ReportResult

SVG = "{http://www.w3.org/2000/svg}"
VI = Translations(TEXTS, "vi")
EN = Translations(TEXTS, "en")


def parse(markup):
    """The chart as an XML tree (fails on anything not well-formed)."""
    return ET.fromstring(str(markup))


def bars(tree):
    """(title text, rect attributes) of every bar."""
    return [(g.find(f"{SVG}title").text, g.find(f"{SVG}rect").attrib)
            for g in tree.iter(f"{SVG}g") if g.get("class") == "bar"]


def test_a_bar_chart_is_well_formed_named_and_described():
    tree = parse(bar_chart("c1", "Tiếp nhận theo tháng", ["10/2026", "11/2026"],
                           [Series("Tiếp nhận", (4, 12), "#123456")]))
    assert tree.tag == f"{SVG}svg"
    assert tree.get("role") == "img"
    assert tree.get("aria-labelledby") == "c1-title c1-desc"
    assert tree.find(f"{SVG}title").text == "Tiếp nhận theo tháng"
    assert tree.find(f"{SVG}desc").text == "10/2026: Tiếp nhận 4; 11/2026: Tiếp nhận 12."


def test_bar_heights_are_proportional_to_the_values():
    tree = parse(bar_chart("c", "t", ["a", "b", "c"], [
        Series("Tiếp nhận", (3, 12, 6), "#111111"), Series("Giải quyết", (0, 9, None), "#222222")]))
    found = bars(tree)
    assert [title for title, _ in found] == [
        "a – Tiếp nhận: 3", "a – Giải quyết: 0", "b – Tiếp nhận: 12", "b – Giải quyết: 9",
        "c – Tiếp nhận: 6"]
    heights = [float(rect["height"]) for _, rect in found]
    assert heights[1] == 0
    assert heights[2] / heights[0] == pytest.approx(4, rel=0.01)
    assert heights[3] / heights[2] == pytest.approx(0.75, rel=0.01)
    assert {rect["fill"] for _, rect in found} == {"#111111", "#222222"}


def test_every_text_is_escaped():
    evil = '<script>alert("x")</script> & Đắk Lắk'
    tree = parse(bar_chart(evil, evil, [evil], [Series(evil, (1,), '"/><script>')]))
    assert not list(tree.iter(f"{SVG}script")) and not list(tree.iter("script"))
    assert tree.find(f"{SVG}title").text == evil
    assert bars(tree)[0][0] == f"{evil} – {evil}: 1"
    assert bars(tree)[0][1]["fill"] == '"/><script>'


def test_stacked_bars_split_each_row_by_share():
    tree = parse(stacked_bars("s", "Đúng hạn và trễ hạn", [("Nóng", [3, 1]), ("Khẩn", [0, 0])],
                              [("Đúng hạn", "#00aa00"), ("Trễ hạn", "#aa0000")]))
    found = bars(tree)
    assert [title for title, _ in found] == ["Nóng – Đúng hạn: 3 (75%)", "Nóng – Trễ hạn: 1 (25%)"]
    widths = [float(rect["width"]) for _, rect in found]
    assert widths[0] / widths[1] == pytest.approx(3, rel=0.01)
    assert tree.find(f"{SVG}desc").text == (
        "Nóng: Đúng hạn 3, Trễ hạn 1; Khẩn: Đúng hạn 0, Trễ hạn 0.")


def test_numbers_are_written_the_vietnamese_way():
    assert number(1234567) == "1.234.567"
    assert number(66.7) == "66,7"
    assert number(1234.5) == "1.234,5"
    assert number(100.0) == "100"
    assert number(12.96) == "13"  # as the digest's sentences write it, not "13,0"
    assert number(None) == "–"


@pytest.mark.parametrize("top", [0, 1, 3, 7, 10, 38, 101, 999, 12345])
def test_ticks_start_at_zero_and_cover_the_largest_value(top):
    ticks = nice_ticks(top)
    assert ticks[0] == 0 and ticks[-1] >= top
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and len(ticks) <= 7


def trend_result():
    rows = [{"period": "2026-W45", "received": 5, "resolved": 2},
            {"period": "2026-W46", "received": 1, "resolved": 4}]
    return ReportResult("trend", "Xu hướng", (), rows, {"by": "week"})


def test_the_trend_chart_shows_a_reports_rows_in_the_pages_language():
    vi = parse(report_chart(trend_result(), VI))
    assert vi.find(f"{SVG}title").text == "Số vụ việc tiếp nhận và giải quyết theo tuần"
    assert [t for t, _ in bars(vi)] == ["T45 – Tiếp nhận: 5", "T45 – Giải quyết: 2",
                                        "T46 – Tiếp nhận: 1", "T46 – Giải quyết: 4"]
    en = parse(report_chart(trend_result(), EN))
    assert en.find(f"{SVG}title").text == "Cases received and resolved per week"
    assert bars(en)[0][0] == "W45 – Received: 5"


def test_the_on_time_chart_has_a_bar_per_priority_and_one_for_all():
    rows = [{"priority": p, "on_time": on, "late": late}
            for p, on, late in (("hot", 1, 1), ("urgent", 0, 2), ("normal", 4, 0), (None, 5, 3))]
    tree = parse(report_chart(ReportResult("on_time", "", (), rows), VI))
    assert [t for t, _ in bars(tree)] == [
        "Nóng – Đúng hạn: 1 (50%)", "Nóng – Trễ hạn: 1 (50%)", "Khẩn – Trễ hạn: 2 (100%)",
        "Thường – Đúng hạn: 4 (100%)", "Tất cả – Đúng hạn: 5 (62,5%)",
        "Tất cả – Trễ hạn: 3 (37,5%)"]


def test_reports_without_a_chart_have_none():
    assert report_chart(ReportResult("overdue", "", (), []), VI) is None
