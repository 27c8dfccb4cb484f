"""The name of the officer or staff member an agency was told through (a phone notification)
is encrypted like every other person's name (issue 16): the column becomes an encrypted text
field, and the names stored before are encrypted in place."""

from django.db import migrations

import lantern.privacy.fields

CONTEXT = "cases.phonenotification.person"


def encrypt_names(apps, schema_editor):
    from lantern.privacy.migrating import encrypt_in_place

    encrypt_in_place(apps.get_model("cases", "PhoneNotification"), "person")


def decrypt_names(apps, schema_editor):
    from lantern.privacy.migrating import decrypt_in_place

    decrypt_in_place(apps.get_model("cases", "PhoneNotification"), "person", CONTEXT, 200)


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_encrypted_recipient_name")]

    operations = [
        migrations.AlterField(
            model_name="phonenotification",
            name="person",
            field=lantern.privacy.fields.EncryptedTextField(
                blank=True, help_text="The officer or staff member spoken to (encrypted)", null=True
            ),
        ),
        migrations.RunPython(encrypt_names, decrypt_names),
    ]
