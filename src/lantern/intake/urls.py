from django.urls import path

from lantern.intake import views

app_name = "intake"
urlpatterns = [
    path("twilio/sms", views.twilio_sms, name="twilio_sms"),
    path("twilio/sms/status", views.twilio_sms_status, name="twilio_sms_status"),
]
