"""Each category membership keeps a copy of its client's station (``CategoryMembership.station``),
so that who holds a category today in a county is one index range (``membership_station_idx``).
Added empty, filled from the clients, then required."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    CategoryMembership = apps.get_model("clients", "CategoryMembership")
    CategoryMembership.objects.update(
        station_id=Subquery(Client.objects.filter(pk=OuterRef("client_id")).values("station_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0015_due_index_covering'),
        ('stations', '0008_historicalservicepoint_servicepoint'),
    ]

    operations = [
        migrations.AddField(
            model_name='categorymembership',
            name='station',
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                    to='stations.station', verbose_name='station'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='categorymembership',
            name='station',
            field=models.ForeignKey(db_index=False, editable=False,
                                    on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                    to='stations.station', verbose_name='station'),
        ),
        migrations.AddIndex(
            model_name='categorymembership',
            index=models.Index(fields=['category', 'station', 'start_on'], include=('end_on', 'client'),
                               name='membership_station_idx'),
        ),
    ]
