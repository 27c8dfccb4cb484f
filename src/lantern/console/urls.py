from django.contrib.auth import views as auth_views
from django.urls import path

from lantern.console import views
from lantern.console.forms import LoginForm

app_name = "console"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="console/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/repeat/", views.repeat_check, name="repeat_check"),
    path("contacts/<uuid:contact_id>/", views.contact_detail, name="contact_detail"),
    path("contacts/<uuid:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("audit/", views.audit_list, name="audit_list"),
]
