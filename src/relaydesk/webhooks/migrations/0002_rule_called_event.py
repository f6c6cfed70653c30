
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('webhooks', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='delivery',
            name='event_type',
            field=models.CharField(choices=[('ticket.created', 'Ticket created'), ('ticket.updated', 'Ticket changed'), ('message.created', 'Message added'), ('ticket.time_logged', 'Time logged'), ('rule.called', 'Called by a trigger or time rule')], max_length=40, verbose_name='event'),
        ),
    ]
