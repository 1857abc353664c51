"""Each phase entry records the organisation that wrote it (review: the note followed the current
lead). Existing entries were written by a lead (only the lead's case manager records the phase);
they get the case's lead at migration time. Reversed, the column goes (nothing else changes).
"""

import django.db.models.deletion
from django.db import migrations, models


def lead_writes_existing_entries(apps, schema_editor):
    PhaseEntry = apps.get_model("assessments", "PhaseEntry")
    Case = apps.get_model("cases", "Case")
    leads = dict(
        Case.objects.filter(
            pk__in=PhaseEntry.objects.values("case_id").distinct()
        ).values_list("pk", "lead_organisation_id")
    )
    without = [str(pk) for pk, lead in leads.items() if lead is None]
    if without:
        raise RuntimeError(
            "Phase entries of cases without a lead organisation: " + ", ".join(without)
        )
    for case_id, lead in leads.items():
        # update() touches only this plain column, never the encrypted note
        PhaseEntry.objects.filter(case_id=case_id).update(origin_organisation_id=lead)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("stakeholders", "0006_role_profile_duties_and_secrecy_per_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="phaseentry",
            name="origin_organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="stakeholders.organisation",
            ),
        ),
        migrations.RunPython(lead_writes_existing_entries, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="phaseentry",
            name="origin_organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="stakeholders.organisation",
            ),
        ),
    ]
