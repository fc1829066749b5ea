"""Printing without a network (issue 19 "Done when": the PDF renders in CI without network
access, fonts and chart images local), and the rich text that reaches the PDF and the .docx."""

import io
import socket

import pytest
from docx import Document
from pypdf import PdfReader

from journal import charts
from journal.printing import Publication, docx_bytes, local_only_fetcher, pdf_bytes
from journal.richtext import paragraphs, sanitise


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("printing tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def publication():
    pub = Publication(title="《浚县社工》2024年第3期（总第1期）", subtitle="2024年3月")
    pub.heading("本月综述")
    pub.rich("<p>本月，全县11个社工站共开展探访<strong>716</strong>次。</p><ol><li>入户探访</li></ol>")
    pub.table(["指标", "数量"], [("探访次数", 716)])
    pub.chart(charts.trend([{"month": 1, "visits": 500}, {"month": 2, "visits": 716}]))
    pub.chart(charts.categories([("低保", 300), ("特困", 30)]))
    return pub


def test_the_fetcher_takes_inline_data_only():
    fetcher = local_only_fetcher()
    for url in ("http://198.51.100.7/logo.png", "https://cdn.example.com/font.woff2", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher(url)
    assert fetcher("data:text/plain;base64,5rWL").read() == "测".encode()


def test_the_pdf_renders_with_no_network_and_embeds_the_cjk_font(no_network):
    content = pdf_bytes(publication())
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "本月，全县11个社工站共开展探访716次。" in text and "每月探访次数" in text  # the chart's text too
    fonts = [str(font.get_object().get("/BaseFont")) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()]
    assert any("Noto-Serif-CJK-SC" in name for name in fonts), fonts  # embedded (subset), not fetched
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4


def test_the_docx_holds_the_same_paragraphs_with_bold_and_lists(no_network):
    document = Document(io.BytesIO(docx_bytes(publication())))
    lead = next(p for p in document.paragraphs if p.text.startswith("本月，"))
    assert lead.text == "本月，全县11个社工站共开展探访716次。"
    assert [run.text for run in lead.runs if run.bold] == ["716"]
    item = next(p for p in document.paragraphs if p.text == "入户探访")
    assert item.style.name == "List Number"
    assert len(document.inline_shapes) == 2  # the two charts, as pictures


def test_rich_text_is_paragraphs_bold_and_lists_only():
    assert sanitise('<h1>题</h1><p style="color:red">正<em>文</em></p><script>x</script>') == "题<p>正文</p>"
    assert sanitise("第一行\n\n第二行 & 三") == "<p>第一行</p><p>第二行 &amp; 三</p>"  # plain text: a paragraph a line
    assert paragraphs("<p>a<strong>b</strong></p><ul><li>c</li></ul>") == [
        ("p", [("a", False), ("b", True)], False), ("li", [("c", False)], False)]
