"""Invitations carry their group and whether they count; a round needs a minimum for results.

Rounds that exist already are brought under the rule: each invitation takes its organisation's
group and counts if the membership was confirmed by someone other than the opener at least 14
days before the round opened; a closed round keeps results only if at least 5 counted invitees
answered (its real answers per statement are counted from its answer sets), otherwise its
answer sets are deleted, as a round closing without results deletes them now.
"""

import datetime
from collections import Counter

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, F, OuterRef

FLOOR = 5
VOUCHED_DAYS = 14


def bring_under_the_rule(apps, schema_editor):
    from icommit.instruments.engine import definition_from_dict, item_score

    Round = apps.get_model("diagnostics", "Round")
    Participation = apps.get_model("diagnostics", "Participation")
    RoundResponse = apps.get_model("diagnostics", "RoundResponse")
    StatementTally = apps.get_model("diagnostics", "StatementTally")
    Response = apps.get_model("instruments", "Response")
    ResponseScore = apps.get_model("instruments", "ResponseScore")
    Membership = apps.get_model("stakeholders", "OrganisationMembership")
    for round in Round.objects.select_related("version").order_by("pk"):
        vouched = (
            Membership.objects.filter(
                user_id=OuterRef("user_id"),
                organisation_id=OuterRef("organisation_id"),
                ended_at__isnull=True,
                confirmed_at__lte=round.opened_at - datetime.timedelta(days=VOUCHED_DAYS),
                confirmed_by__isnull=False,
            )
            .exclude(confirmed_by_id=round.opened_by_id)
            .exclude(confirmed_by_id=F("user_id"))
        )
        for p in (
            Participation.objects.filter(round=round)
            .select_related("organisation")
            .annotate(vouched=Exists(vouched))
        ):
            p.is_security = p.organisation.is_security
            p.sector = p.organisation.sector
            p.counted = p.vouched
            p.save(update_fields=["is_security", "sector", "counted"])
        if round.closed_at is None:
            continue
        counted = Participation.objects.filter(round=round, counted=True, submitted=True).count()
        answer_sets = list(RoundResponse.objects.filter(round=round).select_related("response"))
        if counted < FLOOR:
            ids = [r.response_id for r in answer_sets]
            RoundResponse.objects.filter(round=round).delete()
            ResponseScore.objects.filter(response_id__in=ids).delete()
            Response.objects.filter(pk__in=ids).delete()
            continue
        definition = definition_from_dict(round.version.definition)
        statements = [item for item in definition.items() if item.scored]
        counts = Counter()
        for r in answer_sets:
            answers = r.response.answers
            scored = set(
                ResponseScore.objects.filter(response_id=r.response_id).values_list(
                    "domain", flat=True
                )
            )
            for item in statements:
                if (
                    item.domain in scored
                    and item_score(definition, item, answers.get(item.key)) is not None
                ):
                    counts[(r.is_security, r.sector, item.key)] += 1
        StatementTally.objects.bulk_create(
            StatementTally(round=round, is_security=sec, sector=sector, item=key, answered=n)
            for (sec, sector, key), n in sorted(counts.items())
        )
        round.has_results = True
        round.save(update_fields=["has_results"])


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostics", "0001_initial"),
        ("instruments", "0002_versions_frozen"),
        ("stakeholders", "0002_role_profiles_and_sharing_protocol"),
    ]

    operations = [
        migrations.AddField(
            model_name="participation",
            name="counted",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="participation",
            name="is_security",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="participation",
            name="sector",
            field=models.CharField(blank=True, default="", max_length=30),
        ),
        migrations.AddField(
            model_name="round",
            name="has_results",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="round",
            name="min_respondents",
            field=models.PositiveSmallIntegerField(default=5),
        ),
        migrations.CreateModel(
            name="StatementTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("is_security", models.BooleanField()),
                ("sector", models.CharField(max_length=30)),
                ("item", models.TextField()),
                ("answered", models.PositiveIntegerField()),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tallies",
                        to="diagnostics.round",
                    ),
                ),
            ],
        ),
        migrations.RunPython(bring_under_the_rule, migrations.RunPython.noop),
    ]
