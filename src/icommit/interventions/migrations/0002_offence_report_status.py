"""A report of new offences says the stage of new proceedings, not only yes or no (review P16).

``OffenceReport.reported`` (a yes/no) becomes ``status``, one of ``none_known``,
``investigation``, ``charge`` and ``conviction``. Old answers are carried over: ``False`` becomes
``none_known``; ``True`` becomes ``investigation``, the least advanced stage that still means
"proceedings exist" — the old answer did not say the stage, and no report is read as a charge or
a conviction it never stated. Reversed, ``investigation``, ``charge`` and ``conviction`` become
``True`` and ``none_known`` becomes ``False`` (the stage is lost).
"""

from django.db import migrations, models

PROCEEDINGS = ("investigation", "charge", "conviction")


def to_status(apps, schema_editor):
    report = apps.get_model("interventions", "OffenceReport")
    # update() touches only these plain columns, never the encrypted reference
    report.objects.filter(reported=True).update(status="investigation")
    report.objects.filter(reported=False).update(status="none_known")


def to_reported(apps, schema_editor):
    report = apps.get_model("interventions", "OffenceReport")
    report.objects.filter(status__in=PROCEEDINGS).update(reported=True)
    report.objects.exclude(status__in=PROCEEDINGS).update(reported=False)


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="offencereport",
            name="status",
            field=models.CharField(
                choices=[
                    ("none_known", "no new proceedings known"),
                    ("investigation", "new investigation"),
                    ("charge", "new charge"),
                    ("conviction", "new conviction"),
                ],
                default="none_known",
                max_length=20,
                verbose_name="new proceedings",
            ),
            preserve_default=False,
        ),
        # a default, so that reversing the removal below can add the column to existing rows
        migrations.AlterField(
            model_name="offencereport",
            name="reported",
            field=models.BooleanField(default=False, verbose_name="new offences known"),
        ),
        migrations.RunPython(to_status, to_reported),
        migrations.RemoveField(model_name="offencereport", name="reported"),
    ]
