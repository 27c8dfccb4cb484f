from django.conf import settings
from django.db import models

from lantern.cases.choices import ReferralStatusChoices
from lantern.core.ids import uuid7
from lantern.privacy.fields import EncryptedTextField


class Referral(models.Model):
    """A directory service given to a caller during a contact.

    ``location`` says which of the service's locations was given, when it has several. The note
    may hold what the caller said, so it is encrypted like a contact's summary.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="referrals"
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="referrals"
    )
    location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ReferralStatusChoices.choices, default=ReferralStatusChoices.GIVEN
    )
    note = EncryptedTextField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_given"
    )
    given_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "service"], name="cases_referral_once_per_contact"
            )
        ]

    def __str__(self):
        return f"referral to {self.service_id} on {self.contact_id}"
