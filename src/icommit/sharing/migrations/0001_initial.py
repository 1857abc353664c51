"""The sharing protocol, taken over from ``stakeholders`` with its tables (``db_table`` keeps
their names), so only Django's model state changes; no row moves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('stakeholders', '0004_protocol_moves_to_sharing'),
        ('teams', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='SharingProtocol',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('version', models.PositiveIntegerField(default=0)),
                    ('changed_at', models.DateTimeField(null=True)),
                    ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('team', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='sharing_protocol', to='teams.team')),
                ],
                options={
                    'db_table': 'stakeholders_sharingprotocol',
                },
            ),
            migrations.CreateModel(
                name='ProtocolRow',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('from_sector', models.CharField(blank=True, choices=[('police', 'Police'), ('intelligence', 'Intelligence liaison'), ('prosecution', 'Prosecution'), ('prison', 'Prison'), ('probation', 'Probation'), ('municipality', 'Municipality'), ('social_services', 'Social services'), ('youth_welfare', 'Youth welfare'), ('exit_counselling', 'Exit and counselling NGO'), ('school', 'School'), ('higher_education', 'Higher and vocational education'), ('health', 'Health and psychiatry'), ('employment', 'Employment agency'), ('housing', 'Housing'), ('family_counselling', 'Family counselling'), ('migration', 'Migration and integration services'), ('victim_support', 'Victim support'), ('religious_community', 'Religious community'), ('civil_society', 'Civil society and community work'), ('research', 'Research and evaluation')], max_length=30)),
                    ('to_sector', models.CharField(blank=True, choices=[('police', 'Police'), ('intelligence', 'Intelligence liaison'), ('prosecution', 'Prosecution'), ('prison', 'Prison'), ('probation', 'Probation'), ('municipality', 'Municipality'), ('social_services', 'Social services'), ('youth_welfare', 'Youth welfare'), ('exit_counselling', 'Exit and counselling NGO'), ('school', 'School'), ('higher_education', 'Higher and vocational education'), ('health', 'Health and psychiatry'), ('employment', 'Employment agency'), ('housing', 'Housing'), ('family_counselling', 'Family counselling'), ('migration', 'Migration and integration services'), ('victim_support', 'Victim support'), ('religious_community', 'Religious community'), ('civil_society', 'Civil society and community work'), ('research', 'Research and evaluation')], max_length=30)),
                    ('category', models.CharField(max_length=40, verbose_name='data category')),
                    ('rule', models.CharField(choices=[('always', 'always'), ('consent', 'with consent'), ('legal_basis', 'with a recorded legal basis'), ('never', 'never')], max_length=20, verbose_name='rule')),
                    ('legal_source', models.CharField(blank=True, max_length=300, verbose_name='legal source')),
                    ('note', models.TextField(blank=True, max_length=2000, verbose_name='note')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('from_organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='stakeholders.organisation')),
                    ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='protocol_rows', to='teams.team')),
                    ('to_organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='stakeholders.organisation')),
                    ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'stakeholders_protocolrow',
                    'ordering': ['pk'],
                    'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('from_organisation__isnull', False), ('from_sector', '')), models.Q(('from_organisation__isnull', True), models.Q(('from_sector', ''), _negated=True)), _connector='OR'), name='protocol_row_from_one'), models.CheckConstraint(condition=models.Q(models.Q(('to_organisation__isnull', False), ('to_sector', '')), models.Q(('to_organisation__isnull', True), models.Q(('to_sector', ''), _negated=True)), _connector='OR'), name='protocol_row_to_one')],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
