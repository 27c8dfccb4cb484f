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
    # form v1 only: v2 asks educators apart from researchers and students
    EDUCATOR_STUDENT = "educator_student", _("Educator / student")
    EDUCATOR = "educator", _("Educator")
    RESEARCHER_STUDENT = "researcher_student", _("Researcher / student")
    POLICY_MAKER = "policy_maker", _("Policy maker")
    GOVERNMENT = "government", _("Government")
    MEDIA = "media", _("Media")
    BUSINESS = "business", _("Business")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class ContactAtRiskChoices(models.TextChoices):
    """What puts the person at high risk of trafficking, on a contact of the "At risk" type
    (the NHTH's at-risk call category)."""

    LABOUR_EXPLOITATION = "labour_exploitation", _("Labour exploitation")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    SEXUAL_ASSAULT = "sexual_assault", _("Sexual assault")
    CHILD_ABUSE = "child_abuse", _("Child abuse")
    RUNAWAY_HOMELESS_YOUTH = "runaway_homeless_youth", _("Runaway or homeless youth")
    OTHER = "other", _("Other abuse or exploitation")


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


class VenueChoices(models.TextChoices):
    """Venue or industry of a trafficking situation: the Polaris typology's 25 types (DESIGN.md),
    for web tips now and cases later."""

    ESCORT_SERVICES = "escort_services", _("Escort services")
    ILLICIT_MASSAGE = "illicit_massage", _("Illicit massage, health and beauty")
    OUTDOOR_SOLICITATION = "outdoor_solicitation", _("Outdoor solicitation")
    RESIDENTIAL = "residential", _("Residential")
    DOMESTIC_WORK = "domestic_work", _("Domestic work")
    BARS_STRIP_CLUBS = "bars_strip_clubs", _("Bars, strip clubs and cantinas")
    PORNOGRAPHY = "pornography", _("Pornography")
    TRAVELING_SALES_CREWS = "traveling_sales_crews", _("Traveling sales crews")
    RESTAURANTS = "restaurants", _("Restaurants and food service")
    PEDDLING_BEGGING = "peddling_begging", _("Peddling and begging")
    AGRICULTURE = "agriculture", _("Agriculture and animal husbandry")
    PERSONAL_SEXUAL_SERVITUDE = "personal_sexual_servitude", _("Personal sexual servitude")
    HEALTH_BEAUTY = "health_beauty", _("Health and beauty services")
    CONSTRUCTION = "construction", _("Construction")
    HOTELS = "hotels", _("Hotels and hospitality")
    LANDSCAPING = "landscaping", _("Landscaping")
    ILLICIT_ACTIVITIES = "illicit_activities", _("Illicit activities")
    ARTS_ENTERTAINMENT = "arts_entertainment", _("Arts and entertainment")
    COMMERCIAL_CLEANING = "commercial_cleaning", _("Commercial cleaning services")
    FACTORIES = "factories", _("Factories and manufacturing")
    REMOTE_SEXUAL_ACTS = "remote_sexual_acts", _("Remote interactive sexual acts")
    CARNIVALS = "carnivals", _("Carnivals")
    FORESTRY = "forestry", _("Forestry and logging")
    HEALTH_CARE = "health_care", _("Health care")
    RECRUITMENT = "recruitment", _("Recruitment")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class PoliceCallToChoices(models.TextChoices):
    """Who was called during a contact, when someone's life was in danger."""

    NINE_ONE_ONE = "911", _("911")
    POLICE = "police", _("The local police directly")
    OTHER_LAW_ENFORCEMENT = "other_law_enforcement", _("Other law enforcement")


class PoliceCallByChoices(models.TextChoices):
    """Who placed that call."""

    ADVOCATE = "advocate", _("The advocate")
    SUPERVISOR = "supervisor", _("A supervisor")
    CALLER = "caller", _("The person who contacted us")
    OTHER = "other", _("Someone else")


class TipUrgencyChoices(models.TextChoices):
    NOW = "now", _("Someone is in danger right now")
    SOON = "soon", _("Someone could be in danger soon")
    NOT_URGENT = "not_urgent", _("Not urgent")


class YesNoUnknownChoices(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("I don't know")
