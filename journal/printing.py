"""Print and share (issue 19 "Build" 3): a publication — an issue of the journal or the annual
report — as an A4 PDF (WeasyPrint, Debian's Noto CJK fonts embedded) and as a .docx that Word
and WPS open (python-docx). Both are written from one list of blocks, so they hold the same
paragraphs. Rendering never touches the network: the charts are SVG drawn here, the photos are
read from storage and inlined, and the URL fetcher refuses anything that is not inline data."""

import base64
import io
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from . import charts
from .richtext import paragraphs, sanitise

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_FONT = "宋体"  # the East Asian font Word and WPS have everywhere; the PDF embeds Noto CJK


@dataclass
class Block:
    """One piece of a publication: ``kind`` is heading, rich (sanitised HTML), table, chart,
    photo (an image file and its caption) or note."""

    kind: str
    text: str = ""
    rows: list = field(default_factory=list)
    header: list = field(default_factory=list)
    image: bytes = b""
    image_type: str = ""
    chart: object = None

    @property
    def html(self):
        return mark_safe(sanitise(self.text))  # sanitised again at print time: nothing raw reaches the PDF

    @property
    def data_uri(self):
        if self.kind == "chart":
            return "data:image/svg+xml;base64," + base64.b64encode(charts.svg(self.chart).encode()).decode()
        return f"data:{self.image_type};base64," + base64.b64encode(self.image).decode()


@dataclass
class Publication:
    title: str
    subtitle: str = ""
    blocks: list = field(default_factory=list)
    watermark: str = ""

    def heading(self, text):
        self.blocks.append(Block("heading", text=text))

    def rich(self, html_text):
        if html_text and html_text.strip():
            self.blocks.append(Block("rich", text=html_text))

    def note(self, text):
        self.blocks.append(Block("note", text=text))

    def table(self, header, rows):
        self.blocks.append(Block("table", header=[str(h) for h in header], rows=[[str(c) for c in r] for r in rows]))

    def chart(self, chart):
        """A ``charts.Chart``: SVG in the PDF, PNG in the .docx."""
        self.blocks.append(Block("chart", chart=chart))

    def photo(self, fieldfile, caption=""):
        """An activity photo, read once from storage; skipped when the file is missing."""
        try:
            with fieldfile.open("rb") as handle:
                data = handle.read()
        except (FileNotFoundError, ValueError):
            return
        kind = mimetypes.guess_type(fieldfile.name)[0] or "image/jpeg"
        self.blocks.append(Block("photo", text=caption, image=data, image_type=kind))


PRINT_CSS = Path(__file__).resolve().parent / "print.css"


def local_only_fetcher():
    """WeasyPrint's URL fetcher for the portal: inline ``data:`` URLs only. A publication never
    loads anything from a network (government intranets, SPEC §5) nor from the disk by URL;
    the fonts come from fontconfig (Debian's fonts-noto-cjk), not from a URL."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def pdf_bytes(publication: Publication) -> bytes:
    from weasyprint import CSS, HTML  # imported here: its native libraries load only when printing

    with translation.override("zh-hans"):
        document = render_to_string("journal/print.html", {"pub": publication})
    fetcher = local_only_fetcher()
    style = CSS(string=PRINT_CSS.read_text(encoding="utf-8"), url_fetcher=fetcher)
    return HTML(string=document, url_fetcher=fetcher, base_url=None).write_pdf(stylesheets=[style])


def _east_asian(run_or_style, name=DOCX_FONT):
    from docx.oxml.ns import qn

    run_or_style.font.name = name
    r_pr = run_or_style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def docx_bytes(publication: Publication) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "List Number"):
        _east_asian(doc.styles[name])
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(publication.title, level=0)
    if publication.subtitle:
        doc.add_paragraph(publication.subtitle)
    if publication.watermark:
        doc.add_paragraph(publication.watermark)
    for block in publication.blocks:
        if block.kind == "heading":
            doc.add_heading(block.text, level=1)
        elif block.kind == "rich":
            for kind, runs, ordered in paragraphs(block.text):
                style = ("List Number" if ordered else "List Bullet") if kind == "li" else None
                paragraph = doc.add_paragraph(style=style)
                for text, bold in runs:
                    paragraph.add_run(text).bold = bold
        elif block.kind == "note":
            doc.add_paragraph(block.text).runs[0].italic = True
        elif block.kind == "chart":
            doc.add_picture(io.BytesIO(charts.png(block.chart)), width=Cm(15))
        elif block.kind == "table":
            table = doc.add_table(rows=1, cols=len(block.header), style="Table Grid")
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
        elif block.kind == "photo" and block.image_type in ("image/jpeg", "image/png"):
            doc.add_picture(io.BytesIO(block.image), width=Cm(12))
            if block.text:
                doc.add_paragraph(block.text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
