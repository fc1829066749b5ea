"""HTML written in Python for the hot spots of list pages (a 50-row table, a 100-option
dropdown): Django's ``format_html``/``conditional_escape`` check every argument for lazy
strings (``keep_lazy``), ~1,700 checks a page. ``text()`` escapes exactly as Django's
``escape`` does (the standard library's ``html.escape`` with quotes), and leaves safe strings."""

from html import escape


def text(value):
    """``value`` as HTML text: escaped, unless it is already safe (has ``__html__``)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))
