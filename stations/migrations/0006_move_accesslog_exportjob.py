"""The access log moves to accounts and export jobs to reports (their tables stay)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("stations", "0005_person_name_labels"),
        ("accounts", "0001_initial"),
        ("reports", "0003_export_job"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AccessLog"), migrations.DeleteModel(name="ExportJob")],
        ),
    ]
