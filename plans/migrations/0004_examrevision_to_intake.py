# ExamRevision now lives in intake (intake 0004 took over its table and rows): forget it
# here without touching the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0003_diagnosis_overridden_is_derived"),
        ("intake", "0004_examrevision_from_plans"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ExamRevision")],
            database_operations=[],
        ),
    ]
