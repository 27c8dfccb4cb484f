from django.urls import path

from lantern.intake import views

app_name = "intake"
urlpatterns = [
    path("twilio/sms", views.twilio_sms, name="twilio_sms"),
    path("twilio/sms/status", views.twilio_sms_status, name="twilio_sms_status"),
    path("twilio/voice", views.twilio_voice, name="twilio_voice"),
    path("twilio/voice/language", views.twilio_voice_language, name="twilio_voice_language"),
    path("twilio/voice/urgency", views.twilio_voice_urgency, name="twilio_voice_urgency"),
    path("twilio/voice/voicemail", views.twilio_voice_voicemail, name="twilio_voice_voicemail"),
    path("twilio/voice/wait", views.twilio_voice_wait, name="twilio_voice_wait"),
    path("twilio/voice/callback", views.twilio_voice_callback, name="twilio_voice_callback"),
    path("twilio/voice/status", views.twilio_voice_status, name="twilio_voice_status"),
]

urlpatterns += [
    path("twilio/voice/client", views.twilio_voice_client, name="twilio_voice_client"),
    path("twilio/voice/leg/<uuid:leg_id>/answer", views.twilio_voice_leg_answer,
         name="twilio_voice_leg_answer"),
    path("twilio/voice/leg/<uuid:leg_id>/confirm", views.twilio_voice_leg_confirm,
         name="twilio_voice_leg_confirm"),
    path("twilio/voice/leg/<uuid:leg_id>/status", views.twilio_voice_leg_status,
         name="twilio_voice_leg_status"),
    path("twilio/voice/conference/<uuid:contact_id>", views.twilio_voice_conference,
         name="twilio_voice_conference"),
]  # fmt: skip
