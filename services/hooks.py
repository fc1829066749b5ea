"""Hooks the services layer offers to the layers above it (docs/development.md: a lower layer
learns about a higher one through a hook it offers, never by importing it).

``monthly_figures``: the figures of a monthly report's station and month, beside the previous
month and the same month a year before, each linked to its records. The figures engine
(``reports``) registers the provider at start-up; the monthly report's page shows what it
returns, so the reviewer signs off on the numbers, not on "详见系统统计"."""

_monthly_figures = None


def set_monthly_figures(provider):
    """``provider(*, report, user)`` returns ``{"periods": [...], "rows": [...]}`` (or None)."""
    global _monthly_figures
    _monthly_figures = provider


def monthly_figures(*, report, user):
    return None if _monthly_figures is None else _monthly_figures(report=report, user=user)
