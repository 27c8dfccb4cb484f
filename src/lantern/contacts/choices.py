"""The contact vocabulary (DESIGN.md). Which values a hotline offers, and in what order, is in the
versioned form definitions (``contacts/forms/``); this file gives every value its label."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactChannelChoices(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Web chat")
    EMAIL = "email", _("Email")
    WEBFORM = "webform", _("Web tip form")
    OTHER = "other", _("Other")


class ContactCallTypeChoices(models.TextChoices):
    CRISIS = "crisis", _("Crisis")
    TIP = "tip", _("Tip")
    TTA = "tta", _("Training & technical assistance")
    REFERRAL = "referral", _("Referral")
    GENERAL_INFO = "general_info", _("General information")
    AT_RISK = "at_risk", _("At risk")
    UNRELATED = "unrelated", _("Unrelated")
    # Non-data call types: kept for volume statistics, they make a contact non-substantive.
    HANG_UP = "hang_up", _("Hang-up")
    SILENT = "silent", _("Silent")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    PRANK = "prank", _("Prank")
    ABUSIVE = "abusive", _("Abusive")


NON_DATA_CALL_TYPES = frozenset(
    {
        ContactCallTypeChoices.HANG_UP,
        ContactCallTypeChoices.SILENT,
        ContactCallTypeChoices.WRONG_NUMBER,
        ContactCallTypeChoices.PRANK,
        ContactCallTypeChoices.ABUSIVE,
    }
)


class ContactCallerTypeChoices(models.TextChoices):
    VICTIM_SURVIVOR = "victim_survivor", _("Victim / survivor")
    FAMILY_FRIEND = "family_friend", _("Family member / friend")
    COMMUNITY_MEMBER = "community_member", _("Community member")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    MEDICAL_PROFESSIONAL = "medical_professional", _("Medical professional")
    LEGAL_PROFESSIONAL = "legal_professional", _("Legal professional")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    EDUCATOR_STUDENT = "educator_student", _("Educator / student")
    GOVERNMENT = "government", _("Government")
    MEDIA = "media", _("Media")
    BUSINESS = "business", _("Business")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class ContactHeardAboutChoices(models.TextChoices):
    INTERNET_SEARCH = "internet_search", _("Internet search")
    SOCIAL_MEDIA = "social_media", _("Social media")
    FRIEND_FAMILY = "friend_family", _("Friend or family")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    POSTER_SIGN = "poster_sign", _("Poster or sign")
    NEWS_MEDIA = "news_media", _("News media")
    TRAINING = "training", _("Training or presentation")
    PREVIOUS_CONTACT = "previous_contact", _("Contacted us before")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown / not asked")


class ContactStatusChoices(models.TextChoices):
    """A contact that arrived through a channel is open until an advocate logs it."""

    OPEN = "open", _("Waiting to be logged")
    LOGGED = "logged", _("Logged")


class ConversationStateChoices(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class MessageDirectionChoices(models.TextChoices):
    INBOUND = "inbound", _("From the contact")
    OUTBOUND = "outbound", _("From the hotline")


class MessageStatusChoices(models.TextChoices):
    """Twilio's message statuses, which email and chat also fit."""

    RECEIVED = "received", _("Received")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    UNDELIVERED = "undelivered", _("Not delivered")
    FAILED = "failed", _("Failed")
