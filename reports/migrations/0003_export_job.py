"""Background export jobs move from the stations app to reports.

The table keeps its name (stations_exportjob): only Django's idea of which app owns the model moves, and
the content type (and so the role permissions) follows it on an existing database."""

import django.db.models.deletion
import django.utils.timezone  # noqa: F401
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="stations", model="exportjob").update(app_label="reports")


def move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="reports", model="exportjob").update(app_label="stations")


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_station_period_figures_marked_at"),
        ("stations", "0005_person_name_labels"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=40, verbose_name='kind')),
                        ('params', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                        ('total', models.PositiveIntegerField(default=0, verbose_name='rows to write')),
                        ('done', models.PositiveIntegerField(default=0, verbose_name='rows written')),
                        ('file', models.FileField(blank=True, upload_to='exports/%Y/%m/', verbose_name='file')),
                        ('error', models.CharField(blank=True, max_length=300, verbose_name='error')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='export_jobs', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'export job',
                        'verbose_name_plural': 'export jobs',
                        'db_table': 'stations_exportjob',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_back),
    ]
