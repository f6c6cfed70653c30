import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('automation', '0003_canned'),
        ('tickets', '0007_ticket_status_changed_at'),
    ]

    operations = [
        migrations.CreateModel(
            name='RulesVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.BigIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'rules version',
                'verbose_name_plural': 'rules version',
            },
        ),
        migrations.CreateModel(
            name='TimeRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                ('status', models.CharField(choices=[('new', 'New'), ('open', 'Open'), ('pending', 'Pending'), ('on_hold', 'On hold'), ('solved', 'Solved'), ('closed', 'Closed')], max_length=16, verbose_name='status')),
                ('clock', models.CharField(choices=[('status', 'In the status for'), ('updated', 'Not updated for')], default='status', max_length=8, verbose_name='clock')),
                ('minutes', models.PositiveIntegerField(verbose_name='after (minutes)')),
                ('match', models.CharField(choices=[('all', 'All conditions'), ('any', 'Any condition')], default='all', max_length=3, verbose_name='match')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('last_error_at', models.DateTimeField(blank=True, null=True, verbose_name='last error at')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'time rule',
                'verbose_name_plural': 'time rules',
                'ordering': ['position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='TimeRuleMark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('episode', models.DateTimeField()),
                ('fired', models.BooleanField(default=False)),
                ('seen', models.DateTimeField()),
            ],
        ),
        migrations.AlterField(
            model_name='action',
            name='trigger',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='automation.trigger'),
        ),
        migrations.AlterField(
            model_name='condition',
            name='trigger',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='conditions', to='automation.trigger'),
        ),
        migrations.AddField(
            model_name='action',
            name='time_rule',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='automation.timerule'),
        ),
        migrations.AddField(
            model_name='condition',
            name='time_rule',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='conditions', to='automation.timerule'),
        ),
        migrations.AddConstraint(
            model_name='action',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('time_rule__isnull', True), ('trigger__isnull', False)), models.Q(('time_rule__isnull', False), ('trigger__isnull', True)), _connector='OR'), name='action_of_one_rule'),
        ),
        migrations.AddConstraint(
            model_name='condition',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('time_rule__isnull', True), ('trigger__isnull', False)), models.Q(('time_rule__isnull', False), ('trigger__isnull', True)), _connector='OR'), name='condition_of_one_rule'),
        ),
        migrations.AddField(
            model_name='timerulemark',
            name='rule',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='marks', to='automation.timerule'),
        ),
        migrations.AddField(
            model_name='timerulemark',
            name='ticket',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tickets.ticket'),
        ),
        migrations.AddConstraint(
            model_name='timerulemark',
            constraint=models.UniqueConstraint(fields=('rule', 'ticket', 'episode'), name='time_rule_mark_once'),
        ),
    ]
