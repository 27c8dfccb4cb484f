"""The default quality rubric: the four things issue 23 names, each scored 0-2 or yes/no/n.a."""

from django.db import migrations

CRITERIA = [
    ("Safety assessment done", "Asked whether the person is safe now and acted on the answer.",
     "zero_to_two", 3),
    ("Referral given", "Offered a fitting service from the directory, or said why none fitted.",
     "yes_no_na", 2),
    ("Protocol followed", "Followed the response protocol for the place and situation.",
     "zero_to_two", 2),
    ("Documentation complete", "Logged the contact's facts, call types and outcome fully.",
     "zero_to_two", 1),
]  # fmt: skip


def seed(apps, schema_editor):
    Rubric = apps.get_model("training", "Rubric")
    Criterion = apps.get_model("training", "Criterion")
    if Rubric.objects.exists():
        return
    rubric = Rubric.objects.create(name="Standard contact review", active=True)
    for position, (name, description, scale, weight) in enumerate(CRITERIA, 1):
        Criterion.objects.create(
            rubric=rubric, position=position, name=name, description=description, scale=scale,
            weight=weight,
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
