"""A report as a PDF in the layout of a Vietnamese party document: the issuing body at top
left, the national motto at top right with the place and date, the title, the period and
filters in words, the table, the report's chart, and the signature block.

HTML from a Jinja2 template is rendered by WeasyPrint with DejaVu fonts embedded, so every
Vietnamese letter (stacked diacritics included) comes out on any machine that has them.
"""

import re
import threading
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from eventlet import patcher, tpool
from sqlalchemy import select

from services.common.i18n import Translations
from services.common.pages import template_environment
from services.common.workdays import VIETNAM

from .charts import number, report_chart
from .dashboard_texts import TEXTS
from .labels import FILTER_LABELS
from .models import DirectoryUnit

TEMPLATES = template_environment(Path(__file__).parent / "templates")
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {("normal", "normal"): "DejaVuSerif.ttf", ("bold", "normal"): "DejaVuSerif-Bold.ttf",
              ("normal", "italic"): "DejaVuSerif-Italic.ttf",
              ("bold", "italic"): "DejaVuSerif-BoldItalic.ttf"}
WIDE_TABLE = 7  # more columns than this: the page is turned to landscape
CELL_CLASSES = {"int": "number", "float": "number", "date": "when", "datetime": "when"}
# one PDF at a time: fontconfig and pango are not safe to drive from several threads at once
_RENDERING = threading.Lock()
_BLOC = re.compile(r"^đảng (ủy|uỷ) khối", re.IGNORECASE)
_PROVINCE = re.compile(r"\b(?:tỉnh|thành phố)\s+(.+)$", re.IGNORECASE)


def root_unit(session):
    """The directory's root: the bloc committee without a parent, or None."""
    return session.scalars(select(DirectoryUnit).where(
        DirectoryUnit.parent_code.is_(None), DirectoryUnit.kind == "bloc_committee")
        .order_by(DirectoryUnit.code).limit(1)).first()


def organisation_from(root_name):
    """"Đảng ủy Khối X" → "ĐẢNG BỘ KHỐI X" (the party organisation the committee leads)."""
    return _BLOC.sub("Đảng bộ Khối", root_name.strip()).upper()


def place_from(root_name):
    """The province or city at the end of the root unit's name, e.g. "Vân Lĩnh"."""
    match = _PROVINCE.search(root_name)
    return match.group(1).strip() if match else ""


def letterhead(session, settings):
    """The configured letterhead, its empty organisation and place taken from the directory."""
    head = settings.letterhead
    if head.organisation and head.place:
        return head
    root = root_unit(session)
    root_name = root.name if root else ""
    return replace(head, organisation=head.organisation or (
        organisation_from(root_name) if root_name else "ĐẢNG BỘ KHỐI"),
        place=head.place or place_from(root_name))


def date_line(place, day):
    """"Vân Lĩnh, ngày 05 tháng 02 năm 2026": days below 10 and months below 3 get a zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def period_words(flt):
    """The period of a report in words, e.g. "Từ ngày 01/11/2026 đến ngày 30/11/2026"."""
    start, end = flt.date_from, flt.date_to
    if start and end:
        return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    if start:
        return f"Từ ngày {start:%d/%m/%Y} đến nay"
    if end:
        return f"Đến ngày {end:%d/%m/%Y}"
    return "Toàn bộ thời gian"


def filter_words(flt, result):
    """The filters besides the period, in words ("Điều kiện lọc: Đơn vị: …; Mức độ: …") and
    the months of a compliance report."""
    words = []
    if flt.unit is not None or flt.category or flt.priority or flt.channel:
        undated = replace(flt, date_from=None, date_to=None)
        words.append(f"Điều kiện lọc: {undated.describe_vi()}")
    periods = result.extra.get("periods")
    if periods:
        months = ", ".join(f"{p[5:]}/{p[:4]}" for p in periods)
        words.append(f"{FILTER_LABELS['period']}: tháng {months}")
    return words


def cell_text(value, kind):
    """A cell as printed: Vietnamese numbers, dd/mm/yyyy dates, times in Vietnam time."""
    if value is None:
        return ""
    if kind == "datetime" and isinstance(value, datetime):
        return f"{value.astimezone(VIETNAM):%d/%m/%Y %H:%M}"
    if kind == "date" and isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if kind == "float":
        return number(round(float(value), 1))
    if kind == "int":
        return number(int(value))
    return str(value)


def font_faces():
    """@font-face rules embedding DejaVu Serif from its files, when they are installed."""
    rules = []
    for (weight, style), name in FONT_FILES.items():
        path = FONT_DIR / name
        if path.exists():
            rules.append(f'@font-face {{ font-family: "Report Serif"; font-weight: {weight}; '
                         f'font-style: {style}; src: url("{path.as_uri()}"); }}')
    return "\n".join(rules)


def to_html(result, flt, generated_at, head):
    """The report's printable HTML."""
    columns = result.columns
    rows = [[(cell_text(row.get(c.key), c.kind), CELL_CLASSES.get(c.kind)) for c in columns]
            for row in result.rows]
    local = generated_at.astimezone(VIETNAM)
    return TEMPLATES.get_template("pdf/report.html").render(
        result=result, head=head, columns=columns, rows=rows, font_faces=font_faces(),
        landscape=len(columns) > WIDE_TABLE, date_line=date_line(head.place, local.date()),
        period=period_words(flt), filters=filter_words(flt, result),
        generated=f"{local:%H:%M} ngày {local:%d/%m/%Y}",
        chart=report_chart(result, Translations(TEXTS, "vi"), f"pdf-chart-{result.name}"))


def to_pdf(result, flt, generated_at, head):
    """PDF bytes of a report."""
    return render_pdf(to_html(result, flt, generated_at, head))


def render_pdf(html):
    """PDF bytes of printable HTML, rendered off the event loop when the process is green.

    WeasyPrint takes tenths of a second for a long table; in a native thread (eventlet's
    tpool) the service keeps answering meanwhile. It is imported on first use (slow to load).
    """
    from weasyprint import HTML

    def render():
        return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()

    with _RENDERING:  # taken on the event loop (a green lock there): waiting renders yield
        return tpool.execute(render) if patcher.is_monkey_patched("thread") else render()
