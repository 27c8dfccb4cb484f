"""The topics a hotline starts with (staff edit them in the administration screens)."""

from django.db import migrations

TOPICS = [
    ("identifying_trafficking", "Identifying trafficking", "Identificar la trata"),
    ("labor_trafficking", "Labor trafficking", "Trata laboral"),
    ("working_with_survivors", "Working with survivors", "Trabajar con sobrevivientes"),
    ("protocols", "Response protocols", "Protocolos de respuesta"),
    ("data", "Data and statistics", "Datos y estadísticas"),
    ("materials", "Materials and awareness resources", "Materiales y recursos de sensibilización"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("assistance", "AssistanceTopic")
    for position, (key, name, spanish) in enumerate(TOPICS):
        Topic.objects.get_or_create(
            key=key, defaults={"name": name, "names": {"es": spanish}, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
