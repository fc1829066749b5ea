"""The two evaluation schemes every county starts with (``training.schemes``: the 五有/五化
standard and a 1000-point scheme with star ratings). Counties add their own in the admin."""

from django.db import migrations

from training.schemes import create_missing


def seed_schemes(apps, schema_editor):
    create_missing(apps.get_model("training", "EvaluationScheme"), apps.get_model("training", "EvaluationItem"),
                   apps.get_model("training", "RatingBand"))


class Migration(migrations.Migration):
    dependencies = [("training", "0002_submission_case")]

    operations = [migrations.RunPython(seed_schemes, migrations.RunPython.noop)]
