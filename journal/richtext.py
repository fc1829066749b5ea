"""The journal's rich text: paragraphs, bold and lists, nothing else (issue 19). Sanitised with
nh3 (the Rust ``ammonia`` sanitiser) when saved, so no raw HTML is ever stored; the PDF
template and the .docx writer read only these tags."""

import html
from html.parser import HTMLParser

import nh3

TAGS = {"p", "br", "strong", "b", "ul", "ol", "li"}


def sanitise(text: str) -> str:
    """``text`` with every tag but paragraphs, bold and lists removed (their text kept), no
    attributes, comments or scripts. Plain text (no tag at all) becomes paragraphs, one per line."""
    text = (text or "").strip()
    if text and "<" not in text:
        text = "".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
    return nh3.clean(text, tags=TAGS, attributes={}, strip_comments=True, link_rel=None).strip()


def paragraphs(text: str):
    """The blocks of sanitised ``text`` as ``(kind, runs)``: kind is "p" or "li" (with the list's
    tag, "ul"/"ol", as ``("li", runs, ordered)``), runs are ``(text, bold)``. The .docx writer
    builds its paragraphs from them."""
    parser = _Blocks()
    parser.feed(sanitise(text))
    parser.close()
    parser.flush()
    return parser.blocks


class _Blocks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.runs, self.bold, self.lists, self.kind = [], [], 0, [], "p"

    def flush(self):
        runs = [(text, bold) for text, bold in self.runs if text]
        if any(text.strip() for text, _bold in runs):
            ordered = bool(self.lists and self.lists[-1] == "ol")
            self.blocks.append((self.kind, runs, ordered))
        self.runs = []

    def handle_starttag(self, tag, attrs):
        if tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append(tag)
        elif tag in ("p", "li"):
            self.flush()
            self.kind = tag
        elif tag == "br":
            self.runs.append(("\n", False))

    def handle_endtag(self, tag):
        if tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
            self.kind = "p"
        elif tag in ("p", "li"):
            self.flush()
            self.kind = "li" if self.lists else "p"

    def handle_data(self, data):
        self.runs.append((data, self.bold > 0))


def plain(text: str) -> str:
    """The words of sanitised ``text`` without tags (for a table cell or a search)."""
    return "\n".join("".join(run for run, _bold in runs) for _kind, runs, _ordered in paragraphs(text))
