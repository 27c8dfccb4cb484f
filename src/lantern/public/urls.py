from django.urls import path

from lantern.public import agency, assistance, directory, library, statistics, views

app_name = "public"
urlpatterns = [
    path("tip/", views.tip, name="tip"),
    path("tip/sent/", views.tip_sent, name="tip_sent"),
    path("tip/follow-up/", views.followup_login, name="followup_login"),
    path("tip/follow-up/messages/", views.followup_thread, name="followup"),
    path("tip/follow-up/leave/", views.followup_leave, name="followup_leave"),
    path("assistance/", assistance.assistance, name="assistance"),
    path("assistance/sent/", assistance.assistance_sent, name="assistance_sent"),
    path("chat/", views.chat, name="chat"),
    path("chat/room/", views.chat_room, name="chat_room"),
    path("chat/leave/", views.chat_leave, name="chat_leave"),
    path("directory/", directory.directory, name="directory"),
    path("resources/", library.library, name="library"),
    path("resources/<uuid:resource_id>/file", library.library_file, name="library_file"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/<int:year>/<str:name>", statistics.statistics_file, name="statistics_file"),
    path("agency/<str:token>/", agency.agency_report, name="agency_report"),
    path("agency/<str:token>/pdf/", agency.agency_pdf, name="agency_pdf"),
    path("agency/<str:token>/acknowledge/", agency.agency_acknowledge, name="agency_acknowledge"),
]
