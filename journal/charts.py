"""The issue's two charts, drawn on the server as small SVG documents from the figures alone
(no browser, no plotting library): the month-by-month trend of visits, and the visited clients
by category. WeasyPrint embeds them in the PDF; the text uses the journal's CJK font."""

from html import escape

FONT = "Noto Sans CJK SC, sans-serif"
BAR = "#2f6f9f"
ACCENT = "#d9822b"


def _svg(width, height, body):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">{body}</svg>')


def trend_svg(rows, *, title="每月探访次数") -> str:
    """Columns of visits per month (``rows``: dicts with ``month`` and ``visits``), the last one
    (the issue's month) in the accent colour."""
    width, height, left, bottom, top = 480, 220, 36, 28, 30
    peak = max([row["visits"] for row in rows] + [1])
    slot = (width - left - 10) / max(len(rows), 1)
    parts = [f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#888"/>']
    plot = height - bottom - top
    for index, row in enumerate(rows):
        bar = plot * row["visits"] / peak
        x = left + index * slot + slot * 0.15
        y = height - bottom - bar
        colour = ACCENT if index == len(rows) - 1 else BAR
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar:.1f}" fill="{colour}"/>')
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="9">'
                     f'{row["visits"]}</text>')
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
                     f'{row["month"]}月</text>')
    return _svg(width, height, "".join(parts))


def categories_svg(rows, *, title="探访对象类别（人）") -> str:
    """Horizontal bars of visited clients per category (``rows``: (name, count))."""
    rows = list(rows)
    line, left, top = 22, 90, 28
    width, height = 480, top + line * len(rows) + 8
    peak = max([count for _name, count in rows] + [1])
    parts = [f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}</text>']
    for index, (name, count) in enumerate(rows):
        y = top + index * line
        bar = (width - left - 60) * count / peak
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(str(name))}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{bar:.1f}" height="{line - 8}" fill="{BAR}"/>')
        parts.append(f'<text x="{left + bar + 4:.1f}" y="{y + 14}">{count}</text>')
    return _svg(width, height, "".join(parts))
