"""Each election's support channels by kind (issue 14, item 1), and where its voters find
their matricule (item 5).

The former ``support_phones`` and ``support_hours`` become the election's connection
support channel (« support électeurs »), with the same text; going back copies the
connection channels' numbers and hours into the two fields again.
"""

import django.db.models.deletion
from django.db import migrations, models


def channels_from_fields(apps, schema_editor):
    Election = apps.get_model("elections", "Election")
    SupportChannel = apps.get_model("elections", "SupportChannel")
    for election in Election.objects.all():
        if election.support_phones.strip() or election.support_hours.strip():
            SupportChannel.objects.create(
                election=election,
                kind="connection",
                name="le support électeurs",
                phones=election.support_phones,
                hours=election.support_hours,
            )


def fields_from_channels(apps, schema_editor):
    Election = apps.get_model("elections", "Election")
    SupportChannel = apps.get_model("elections", "SupportChannel")
    for election in Election.objects.all():
        channels = SupportChannel.objects.filter(election=election, kind="connection").order_by("order", "pk")
        election.support_phones = "\n".join(c.phones.strip() for c in channels if c.phones.strip())
        election.support_hours = " ".join(c.hours for c in channels if c.hours)[:300]
        election.save(update_fields=["support_phones", "support_hours"])


class Migration(migrations.Migration):
    dependencies = [
        ("elections", "0012_accessibility_statement_contact"),
    ]

    operations = [
        migrations.AddField(
            model_name="election",
            name="matricule_location",
            field=models.TextField(
                default="Votre matricule figure au dos de votre carte agent. Si vous n'avez pas de carte agent, il figure sur un arrêté nominatif ou sur le portail self-service de votre ministère (self-mobile, self-agent…).",
                help_text="Dit tel quel sur la page de connexion, le réassort du mot de passe, l'aide, la foire aux questions et les tutoriels.",
                verbose_name="où trouver le matricule",
            ),
        ),
        migrations.CreateModel(
            name="SupportChannel",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("connection", "Support de connexion (problème de connexion)"),
                            ("security_key", "CSU électeurs (clé de sécurité perdue, vote impossible)"),
                            ("key_online", "Récupération de la clé en ligne (intranet, agents avec carte)"),
                        ],
                        max_length=16,
                        verbose_name="type",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="Tel qu'il se dit dans une phrase, article compris (« J'appelle … ») : « la CSU électeurs », « le support électeurs », « eVote-CS ».",
                        max_length=100,
                        verbose_name="nom",
                    ),
                ),
                (
                    "phones",
                    models.TextField(
                        blank=True,
                        help_text="Un numéro par ligne, avec sa description (ex. « N° vert 0 800 808 900 (appel gratuit) »).",
                        verbose_name="numéros",
                    ),
                ),
                (
                    "address",
                    models.CharField(
                        blank=True,
                        help_text="Pour la récupération en ligne.",
                        max_length=200,
                        verbose_name="adresse (site ou intranet)",
                    ),
                ),
                (
                    "instructions",
                    models.TextField(
                        blank=True,
                        help_text="Pour la récupération en ligne : comment accéder à l'écran qui donne la clé.",
                        verbose_name="marche à suivre",
                    ),
                ),
                ("service_starts", models.DateField(blank=True, null=True, verbose_name="joignable du")),
                ("service_ends", models.DateField(blank=True, null=True, verbose_name="joignable jusqu'au")),
                (
                    "hours",
                    models.CharField(
                        blank=True,
                        help_text="Ex. « tous les jours de 9h00 à 18h00 ».",
                        max_length=200,
                        verbose_name="jours et horaires",
                    ),
                ),
                (
                    "other_periods",
                    models.CharField(
                        blank=True,
                        help_text="Ex. « également joignable du 17/11 au 30/11 de 9h00 à 18h00, sauf week-end ».",
                        max_length=300,
                        verbose_name="autres périodes",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="ordre")),
                (
                    "election",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="support_channels",
                        to="elections.election",
                        verbose_name="élection",
                    ),
                ),
            ],
            options={
                "verbose_name": "canal de support",
                "verbose_name_plural": "support électeurs (par type)",
                "ordering": ["election", "kind", "order", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("service_starts__isnull", True),
                            ("service_ends__isnull", True),
                            ("service_ends__gte", models.F("service_starts")),
                            _connector="OR",
                        ),
                        name="support_channel_period_ordered",
                        violation_error_message="La fin de la période de service doit suivre son début.",
                    )
                ],
            },
        ),
        migrations.RunPython(channels_from_fields, fields_from_channels),
        migrations.RemoveField(
            model_name="election",
            name="support_hours",
        ),
        migrations.RemoveField(
            model_name="election",
            name="support_phones",
        ),
    ]
