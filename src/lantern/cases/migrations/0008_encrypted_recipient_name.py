"""Agency recipients' names are encrypted (issue 16): the column becomes an encrypted text
field, and the names stored before are encrypted in place."""

from django.db import migrations

import lantern.privacy.fields

CONTEXT = "cases.agencylink.recipient_name"


def _raw(value) -> str:
    return getattr(value, "ciphertext", value) or ""


def encrypt_names(apps, schema_editor):
    from lantern.privacy import crypto

    AgencyLink = apps.get_model("cases", "AgencyLink")
    for pk, value in AgencyLink.objects.values_list("pk", "recipient_name").iterator():
        raw = _raw(value)
        if raw and not raw.startswith(crypto.PREFIX + ":"):
            # the field encrypts what it is given (under its own context, CONTEXT)
            AgencyLink.objects.filter(pk=pk).update(recipient_name=raw)


def decrypt_names(apps, schema_editor):
    """Back to clear text (undoing the migration): a ``Sealed`` value is written as it is."""
    from lantern.privacy import crypto
    from lantern.privacy.fields import Sealed

    AgencyLink = apps.get_model("cases", "AgencyLink")
    for pk, value in AgencyLink.objects.values_list("pk", "recipient_name").iterator():
        raw = _raw(value)
        if raw.startswith(crypto.PREFIX + ":"):
            plain = crypto.decrypt(raw, CONTEXT)[:200]
            AgencyLink.objects.filter(pk=pk).update(recipient_name=Sealed(plain, CONTEXT))


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
