"""The detail of a plan history line is sealed with the client's key (security review S7).

``PlanEvent.detail`` was plain text (a life domain, a status, a level, a date, the responsible
organisation's name): coarse, but still about the client. An encrypted field is bound to its
row's primary key, which must be known before the insert, so the history gets a UUID key as
well. A column cannot change from an integer to a UUID key on every database, so the rows are
moved: into a plain holding table, then into the new ``PlanEvent`` table, each saved through the
model so that ``EncryptedTextField`` seals its detail (the keys are the running installation's,
as for any save). A row whose client's key is gone (the client erased) keeps its line without a
detail. Reversed, the details are opened again and the rows return to a table with integer
keys.
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import icommit.core.fields
from icommit.core import crypto

_FIELDS = ("plan_id", "at", "organisation_id", "what")


def _values(row):
    return {name: getattr(row, name) for name in _FIELDS}


def hold_plain(apps, schema_editor):
    """Copy the old history rows, as they are, into the holding table."""
    old = apps.get_model("interventions", "PlanEvent")
    held = apps.get_model("interventions", "PlanEventHeld")
    held.objects.bulk_create(
        [held(detail=row.detail, **_values(row)) for row in old.objects.order_by("pk")],
        batch_size=500,
    )


def restore_plain(apps, schema_editor):
    """Back into the old table with integer keys, in the order of the holding table."""
    old = apps.get_model("interventions", "PlanEvent")
    held = apps.get_model("interventions", "PlanEventHeld")
    old.objects.bulk_create(
        [old(detail=row.detail or "", **_values(row)) for row in held.objects.order_by("pk")],
        batch_size=500,
    )


def seal(apps, schema_editor):
    """Save each held row through the new model, which seals its detail with the client's key."""
    new = apps.get_model("interventions", "PlanEvent")
    held = apps.get_model("interventions", "PlanEventHeld")
    with crypto.key_cache():
        for row in held.objects.order_by("pk"):
            event = new(id=uuid.uuid4(), detail=row.detail or "", **_values(row))
            try:
                event.save(force_insert=True)
            except crypto.CryptoError:  # the client's key is destroyed: keep the bare line
                event = new(id=event.id, detail=None, **_values(row))
                event.save(force_insert=True)


def unseal(apps, schema_editor):
    """Open each sealed detail and hold it in plain text again (oldest first)."""
    new = apps.get_model("interventions", "PlanEvent")
    held = apps.get_model("interventions", "PlanEventHeld")
    rows = []
    with crypto.key_cache():
        for event in new.objects.order_by("at", "pk"):
            try:
                detail = event.detail or ""
            except crypto.CryptoError:
                detail = ""
            rows.append(held(detail=detail[:80], **_values(event)))
    held.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_subjectkey"),
        ("interventions", "0002_offence_report_status"),
        ("stakeholders", "0006_role_profile_duties_and_secrecy_per_role"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanEventHeld",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("what", models.CharField(max_length=40)),
                ("detail", models.CharField(blank=True, max_length=80)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="stakeholders.organisation",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="interventions.plan",
                    ),
                ),
            ],
        ),
        migrations.RunPython(hold_plain, restore_plain),
        migrations.DeleteModel(name="PlanEvent"),
        migrations.CreateModel(
            name="PlanEvent",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("what", models.CharField(max_length=40)),
                (
                    "detail",
                    icommit.core.fields.EncryptedTextField(
                        blank=True, default="", null=True, subject="plan.case.client.subject_key_id"
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="stakeholders.organisation",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="interventions.plan",
                    ),
                ),
            ],
            options={"ordering": ["-at", "-pk"]},
        ),
        migrations.RunPython(seal, unseal),
        migrations.DeleteModel(name="PlanEventHeld"),
    ]
