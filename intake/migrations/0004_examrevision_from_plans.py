# ExamRevision moves from plans to intake, with its rows: the model is created in intake's
# state on the table plans made (no database change), the table is then renamed to
# intake's name, and the content type follows so that permissions keep pointing at it.
# plans 0004 removes the model from plans' state once this has run.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, old="plans", new="intake"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="examrevision").exists():
        ContentType.objects.filter(app_label=old, model="examrevision").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="intake", new="plans")


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0003_exam_patient"),
        ("plans", "0003_diagnosis_overridden_is_derived"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExamRevision",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("version", models.PositiveIntegerField()),
                        ("patient", models.JSONField(default=dict)),
                        ("findings", models.JSONField(default=dict)),
                        ("imaging", models.JSONField(default=dict)),
                        ("history", models.JSONField(default=dict)),
                        ("tcm_notes", models.JSONField(default=dict)),
                        ("saved_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("exam", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="intake.exam")),
                        ("saved_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "plans_examrevision",
                        "constraints": [models.UniqueConstraint(fields=("exam", "version"), name="exam_revision_once")],
                    },
                ),
            ],
            database_operations=[],
        ),
        # Back to the default name for an intake model: intake_examrevision.
        migrations.AlterModelTable(name="examrevision", table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
