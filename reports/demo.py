"""The reports app's part of ``seed_demo``: the other apps' demos bulk-create their records
(no signals), so the figures rollup is rebuilt from the raw records at the end. Idempotent."""

from . import figures


def seed(context):
    figures.rebuild()
