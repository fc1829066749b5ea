"""The publications' two charts, drawn on the server from the figures alone (no browser): the
month-by-month trend of visits (columns) and the visited clients by category (bars). One
``Chart`` is drawn twice — as SVG for the PDF (WeasyPrint embeds it; its text uses the Noto CJK
font) and as PNG for the .docx (Pillow, with the same font file from Debian's fonts-noto-cjk)."""

import io
from dataclasses import dataclass
from html import escape

FONT = "Noto Sans CJK SC, sans-serif"
FONT_FILE, FONT_INDEX = "NotoSansCJK-Regular.ttc", 2  # index 2: the simplified-Chinese face
BAR = "#2f6f9f"
ACCENT = "#d9822b"
WIDTH = 480


@dataclass
class Chart:
    """``bars``: (label, value); ``columns``: vertical columns (a trend) or horizontal bars;
    ``accent_last``: the last column (the issue's month) in the accent colour."""

    title: str
    bars: list
    columns: bool = True
    accent_last: bool = False

    @property
    def peak(self):
        return max([value for _label, value in self.bars] + [1])

    def shapes(self):
        """The chart as (kind, x, y, w, h or text, colour/anchor): what both renderers draw."""
        out = [("text", WIDTH / 2, 16, self.title, "middle", 13)]
        if self.columns:
            left, bottom, top, height = 36, 28, 30, 220
            slot = (WIDTH - left - 10) / max(len(self.bars), 1)
            plot = height - bottom - top
            out.append(("line", left, height - bottom, WIDTH - 10, height - bottom))
            for index, (label, value) in enumerate(self.bars):
                bar = plot * value / self.peak
                x, y = left + index * slot + slot * 0.15, height - bottom - bar
                last = self.accent_last and index == len(self.bars) - 1
                out.append(("rect", x, y, slot * 0.7, bar, ACCENT if last else BAR))
                out.append(("text", x + slot * 0.35, y - 4, str(value), "middle", 9))
                out.append(("text", x + slot * 0.35, height - bottom + 14, str(label), "middle", 11))
            return out, height
        line, left, top = 22, 90, 28
        height = top + line * len(self.bars) + 8
        for index, (label, value) in enumerate(self.bars):
            y = top + index * line
            bar = (WIDTH - left - 60) * value / self.peak
            out.append(("text", left - 6, y + 14, str(label), "end", 11))
            out.append(("rect", left, y + 3, bar, line - 8, BAR))
            out.append(("text", left + bar + 4, y + 14, str(value), "start", 11))
        return out, height


def svg(chart: Chart) -> str:
    shapes, height = chart.shapes()
    parts = []
    for kind, *args in shapes:
        if kind == "text":
            x, y, text, anchor, size = args
            parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}">'
                         f'{escape(text)}</text>')
        elif kind == "rect":
            x, y, w, h, colour = args
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}"/>')
        else:
            x1, y1, x2, y2 = args
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#888"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT}">{"".join(parts)}</svg>')


def _font(size, scale):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(FONT_FILE, int(size * scale), index=FONT_INDEX)
    except OSError:  # no Noto CJK on this machine: the digits still print
        return ImageFont.load_default(size * scale)


def png(chart: Chart, scale=2) -> bytes:
    """The same chart as a PNG, twice the SVG's size for print."""
    from PIL import Image, ImageDraw

    shapes, height = chart.shapes()
    image = Image.new("RGB", (WIDTH * scale, height * scale), "white")
    draw = ImageDraw.Draw(image)
    anchors = {"middle": "ms", "end": "rs", "start": "ls"}
    for kind, *args in shapes:
        if kind == "text":
            x, y, text, anchor, size = args
            draw.text((x * scale, y * scale), text, fill="#222222", font=_font(size, scale), anchor=anchors[anchor])
        elif kind == "rect":
            x, y, w, h, colour = args
            if w > 0 and h > 0:
                draw.rectangle([x * scale, y * scale, (x + w) * scale, (y + h) * scale], fill=colour)
        else:
            x1, y1, x2, y2 = args
            draw.line([x1 * scale, y1 * scale, x2 * scale, y2 * scale], fill="#888888", width=scale)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def trend(rows, title="每月探访次数") -> Chart:
    """``rows``: dicts with ``month`` and ``visits`` (January to the issue's month)."""
    return Chart(title, [(f"{row['month']}月", row["visits"]) for row in rows], accent_last=True)


def categories(rows, title="探访对象类别（人）") -> Chart:
    """``rows``: (category name, distinct clients visited)."""
    return Chart(title, list(rows), columns=False)
