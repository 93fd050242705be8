"""A digest as a PDF in the layout of the printed reports: pdf.py's letterhead, motto, date line
and signature block around the digest's summary, figures, tables and charts, in Vietnamese
(`templates/pdf/digest.html` extends `pdf/report.html`)."""

from services.common.workdays import VIETNAM

from .charts import number
from .dashboard import show_date
from .digest_page_texts import translations
from .digest_view import charts, compliance_months, figures, tables
from .pdf import TEMPLATES, date_line, font_faces, render_pdf

SUBJECT = "Tình hình tiếp nhận và giải quyết phản ánh, kiến nghị"


def subject(digest):
    """What the document reports on, under «BÁO CÁO»: "Tình hình … tuần 47/2026 (…)"."""
    return f"{SUBJECT} {digest.title.removeprefix('Báo cáo').strip()}"


def digest_html(digest, head):
    """The digest's printable HTML, dated the day it was compiled."""
    t = translations("vi")
    sections = digest.sections
    local = digest.compiled_at.astimezone(VIETNAM)
    return TEMPLATES.get_template("pdf/digest.html").render(
        result={"title": subject(digest)}, head=head, font_faces=font_faces(), landscape=False,
        date_line=date_line(head.place, local.date()), digest=digest, t=t, number=number,
        show_date=show_date, compiled=f"{local:%H:%M} ngày {local:%d/%m/%Y}",
        figures=figures(sections, t), tables=tables(sections, t),
        charts=charts(sections, t, "pdf-chart"),
        compliance_months=compliance_months(sections["compliance"]))


def digest_pdf(digest, head):
    """PDF bytes of a digest."""
    return render_pdf(digest_html(digest, head))


def pdf_file_name(digest):
    """The attachment's name: the digest's title with slashes made dashes, e.g. "Báo cáo
    tháng 10-2026.pdf"."""
    return f"{digest.title.replace('/', '-')}.pdf"
