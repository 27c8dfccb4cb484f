"""Agency recipients' names are encrypted (issue 16): the column becomes an encrypted text
field, and the names stored before are encrypted in place."""

from django.db import migrations

import lantern.privacy.fields

CONTEXT = "cases.agencylink.recipient_name"


def encrypt_names(apps, schema_editor):
    from lantern.privacy.migrating import encrypt_in_place

    encrypt_in_place(apps.get_model("cases", "AgencyLink"), "recipient_name")


def decrypt_names(apps, schema_editor):
    """Back to clear text (undoing the migration)."""
    from lantern.privacy.migrating import decrypt_in_place

    decrypt_in_place(apps.get_model("cases", "AgencyLink"), "recipient_name", CONTEXT, 200)


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_crisis_fast_path")]

    operations = [
        migrations.AlterField(
            model_name="agencylink",
            name="recipient_name",
            field=lantern.privacy.fields.EncryptedTextField(
                blank=True, help_text="The person the link is for", null=True
            ),
        ),
        migrations.RunPython(encrypt_names, decrypt_names),
    ]
