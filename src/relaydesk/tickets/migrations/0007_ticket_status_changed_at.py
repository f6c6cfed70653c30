"""Time rules' clock: when each ticket's status last changed. Existing tickets start from their
last update, which is never earlier than the real change, so no rule acts early on them."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def from_last_update(apps, schema_editor):
    apps.get_model("tickets", "Ticket").objects.update(status_changed_at=F("updated_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('tickets', '0006_ticket_archived_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='ticket',
            name='status_changed_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='status changed'),
        ),
        migrations.RunPython(from_last_update, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['status', 'status_changed_at'], name='ticket_status_since'),
        ),
    ]
