"""The access log moves from the stations app to accounts.

The table keeps its name (stations_accesslog): only Django's idea of which app owns the model moves, and
the content type (and so the role permissions) follows it on an existing database."""

import django.db.models.deletion
import django.utils.timezone  # noqa: F401
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="stations", model="accesslog").update(app_label="accounts")


def move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="accounts", model="accesslog").update(app_label="stations")


class Migration(migrations.Migration):

    dependencies = [
        ("stations", "0005_person_name_labels"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AccessLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                        ('username', models.CharField(max_length=150, verbose_name='username')),
                        ('role', models.CharField(blank=True, max_length=20, verbose_name='role')),
                        ('action', models.CharField(choices=[('login', 'Login'), ('login_failed', 'Failed login'), ('logout', 'Logout'), ('view', 'View of a sensitive record'), ('reveal', 'Reveal of a full value'), ('export', 'Export')], db_index=True, max_length=20, verbose_name='action')),
                        ('object_type', models.CharField(blank=True, max_length=60, verbose_name='record type')),
                        ('object_id', models.CharField(blank=True, max_length=40, verbose_name='record')),
                        ('object_repr', models.CharField(blank=True, max_length=200, verbose_name='description')),
                        ('result', models.CharField(default='ok', max_length=20, verbose_name='result')),
                        ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'access log entry',
                        'verbose_name_plural': 'access log',
                        'db_table': 'stations_accesslog',
                        'ordering': ['-at'],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_back),
    ]
