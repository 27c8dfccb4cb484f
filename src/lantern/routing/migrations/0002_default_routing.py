from django.db import migrations

from lantern.routing import defaults


def load(apps, schema_editor):
    defaults.load(
        apps.get_model("routing", "BusinessCalendar"),
        apps.get_model("routing", "Queue"),
        apps.get_model("routing", "RoutingWorkflow"),
    )


class Migration(migrations.Migration):
    dependencies = [("routing", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
