"""TicketTally: its triggers are installed after every migrate by `tickets/tally.py`."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_sla_due_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="TicketTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("department_key", models.BigIntegerField()),
                ("assignee_key", models.BigIntegerField()),
                ("status", models.CharField(max_length=16)),
                ("slot", models.SmallIntegerField()),
                ("n", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("department_key", "assignee_key", "status", "slot"),
                        name="tally_key",
                    )
                ],
            },
        ),
    ]
