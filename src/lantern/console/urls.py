from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.i18n import JavaScriptCatalog

from lantern.console import account_views as av
from lantern.console import (
    assessment_views,
    assistance_views,
    hold_views,
    library_views,
    person_views,
    profile_views,
    retention_views,
    review_views,
    spam_views,
    training_views,
    transcript_views,
    views,
)
from lantern.console import case_views as cv
from lantern.console import directory_views as dv
from lantern.console import emergency_views as ev
from lantern.console import protocol_views as pv
from lantern.console import report_views as tv
from lantern.console import routing_views as rv
from lantern.console import stats_views as sv
from lantern.console import webauthn_views as wv

app_name = "console"

urlpatterns = [
    path("login/", login_not_required(av.sign_in), name="login"),
    path("login/verify/", login_not_required(av.sign_in_verify), name="sign_in_verify"),
    path("login/enrol/", login_not_required(av.sign_in_enrol), name="sign_in_enrol"),
    path("account/", av.account, name="account"),
    path("account/password/", av.password_change, name="password_change"),
    path("account/factors/new/", av.factor_add, name="factor_add"),
    path(
        "account/factors/<str:kind>/<int:device_id>/remove/", av.factor_remove, name="factor_remove"
    ),
    path("account/recovery-codes/", av.recovery_codes_new, name="recovery_codes_new"),
    path("account/sign-out-everywhere/", av.sign_out_everywhere, name="sign_out_everywhere"),
    path("staff/factors/", av.staff_factors, name="staff_factors"),
    path("staff/<int:user_id>/factors/reset/", av.staff_factor_reset, name="staff_factor_reset"),
    path(
        "webauthn/register/begin/",
        login_not_required(wv.BeginRegistration.as_view()),
        name="webauthn_register_begin",
    ),
    path(
        "webauthn/register/complete/",
        login_not_required(wv.CompleteRegistration.as_view()),
        name="webauthn_register_complete",
    ),
    path(
        "webauthn/auth/begin/",
        login_not_required(wv.BeginAuthentication.as_view()),
        name="webauthn_auth_begin",
    ),
    path(
        "webauthn/auth/complete/",
        login_not_required(wv.CompleteAuthentication.as_view()),
        name="webauthn_auth_complete",
    ),
    path(
        "webauthn/jsi18n/",
        login_not_required(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])),
        name="webauthn_jsi18n",
    ),
    path("logout/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("", views.home, name="home"),
    path("profile/", profile_views.profile, name="profile"),
    path("inbox/", views.inbox, name="inbox"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/repeat/", views.repeat_check, name="repeat_check"),
    path("contacts/<uuid:contact_id>/", views.contact_detail, name="contact_detail"),
    path("contacts/<uuid:contact_id>/hold/", hold_views.contact_hold, name="contact_hold"),
    path("cases/<uuid:case_id>/hold/", hold_views.case_hold, name="case_hold"),
    path("holds/<int:hold_id>/release/", hold_views.hold_release, name="hold_release"),
    path("holds/range/", hold_views.range_hold, name="range_hold"),
    path("person-records/", person_views.person_records, name="person_records"),
    path("transcripts/", transcript_views.transcript_export, name="transcript_export"),
    path("retention/", retention_views.retention_page, name="retention"),
    path("assessment/", assessment_views.assessment_page, name="assessment"),
    path("assessment/report.pdf", assessment_views.assessment_pdf, name="assessment_pdf"),
    path("library/", library_views.library_list, name="library"),
    path("library/new/", library_views.library_edit, name="library_new"),
    path("library/<uuid:resource_id>/", library_views.library_edit, name="library_edit"),
    path("person-records/shred/", person_views.person_shred, name="person_shred"),
    path("person-records/exports/", person_views.person_exports, name="person_exports"),
    path(
        "person-records/exports/new/",
        person_views.person_export_create,
        name="person_export_create",
    ),
    path(
        "person-records/exports/<uuid:export_id>/", person_views.person_export, name="person_export"
    ),
    path(
        "person-records/exports/<uuid:export_id>/decide/",
        person_views.person_export_decide,
        name="person_export_decide",
    ),
    path(
        "person-records/exports/<uuid:export_id>/download/",
        person_views.person_export_download,
        name="person_export_download",
    ),
    path("contacts/<uuid:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<uuid:contact_id>/take/", views.contact_take, name="contact_take"),
    path(
        "contacts/<uuid:contact_id>/conversation/",
        views.conversation,
        name="conversation",
    ),
    path("contacts/<uuid:contact_id>/referrals/", dv.referral_give, name="referral_give"),
    path(
        "contacts/<uuid:contact_id>/referrals/<uuid:referral_id>/remove/",
        dv.referral_remove,
        name="referral_remove",
    ),
    path(
        "contacts/<uuid:contact_id>/referrals/<uuid:referral_id>/status/",
        dv.referral_update,
        name="referral_update",
    ),
    path("directory/", dv.directory, name="directory"),
    path("directory/search/", dv.directory_search, name="directory_search"),
    path("directory/due/", dv.due_list, name="directory_due"),
    path("directory/services/<uuid:service_id>/", dv.service_detail, name="directory_service"),
    path(
        "directory/services/<uuid:service_id>/edit/", dv.service_edit, name="directory_service_edit"
    ),
    path(
        "directory/services/<uuid:service_id>/verify/", dv.service_verify, name="directory_verify"
    ),
    path(
        "directory/services/<uuid:service_id>/retire/", dv.service_retire, name="directory_retire"
    ),
    path(
        "directory/services/<uuid:service_id>/reactivate/",
        dv.service_reactivate,
        name="directory_reactivate",
    ),
    path("directory/organizations/", dv.organization_list, name="directory_organizations"),
    path("directory/organizations/new/", dv.organization_new, name="directory_organization_new"),
    path(
        "directory/organizations/<uuid:organization_id>/",
        dv.organization_edit,
        name="directory_organization",
    ),
    path(
        "directory/organizations/<uuid:organization_id>/services/new/",
        dv.service_new,
        name="directory_service_new",
    ),
    path("audit/", views.audit_list, name="audit_list"),
    path("assistance/", assistance_views.assistance_list, name="assistance_list"),
    path(
        "assistance/<uuid:request_id>/",
        assistance_views.assistance_detail,
        name="assistance_detail",
    ),
    path(
        "assistance/<uuid:request_id>/assign/",
        assistance_views.assistance_assign,
        name="assistance_assign",
    ),
    path(
        "assistance/<uuid:request_id>/status/",
        assistance_views.assistance_status,
        name="assistance_status",
    ),
    path(
        "assistance/<uuid:request_id>/deliverables/",
        assistance_views.assistance_deliverable,
        name="assistance_deliverable",
    ),
    path(
        "contacts/<uuid:contact_id>/assistance/",
        assistance_views.assistance_from_contact,
        name="assistance_from_contact",
    ),
    path("cases/", cv.case_list, name="case_list"),
    path("cases/<uuid:case_id>/", cv.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/edit/", cv.case_edit, name="case_edit"),
    path("cases/<uuid:case_id>/status/", cv.case_status, name="case_status"),
    path("cases/<uuid:case_id>/notes/", cv.case_note, name="case_note"),
    path("cases/<uuid:case_id>/contacts/", cv.case_link, name="case_link"),
    path(
        "cases/<uuid:case_id>/contacts/<uuid:contact_id>/unlink/",
        cv.case_unlink,
        name="case_unlink",
    ),
    path("cases/<uuid:case_id>/merge/", cv.case_merge, name="case_merge"),
    path("contacts/<uuid:contact_id>/case/", cv.case_from_contact, name="case_from_contact"),
    path("cases/<uuid:case_id>/reports/new/", tv.report_new, name="report_new"),
    path("reports/", tv.report_list, name="report_list"),
    path("reports/<uuid:report_id>/", tv.report_detail, name="report_detail"),
    path("reports/<uuid:report_id>/edit/", tv.report_edit, name="report_edit"),
    path("reports/<uuid:report_id>/submit/", tv.report_submit, name="report_submit"),
    path("reports/<uuid:report_id>/fast-path/", ev.report_fast_track, name="report_fast_track"),
    path(
        "reports/<uuid:report_id>/review-after/", ev.report_review_after, name="report_review_after"
    ),
    path(
        "contacts/<uuid:contact_id>/police-call/",
        ev.contact_police_call,
        name="contact_police_call",
    ),
    path("reports/<uuid:report_id>/decide/", tv.report_decide, name="report_decide"),
    path("reports/<uuid:report_id>/withdraw/", tv.report_withdraw, name="report_withdraw"),
    path("reports/<uuid:report_id>/link/", tv.report_link, name="report_link"),
    path(
        "reports/<uuid:report_id>/links/<uuid:link_id>/revoke/",
        tv.report_link_revoke,
        name="report_link_revoke",
    ),
    path("reports/<uuid:report_id>/pdf/", tv.report_pdf, name="report_pdf"),
    path("reports/<uuid:report_id>/phone/", tv.report_phone, name="report_phone"),
    path(
        "reports/<uuid:report_id>/acknowledged/",
        tv.report_acknowledged,
        name="report_acknowledged",
    ),
    path("reports/<uuid:report_id>/outcome/", tv.report_outcome, name="report_outcome"),
    path("protocols/", pv.protocol_list, name="protocols"),
    path("protocols/new/", pv.protocol_edit, name="protocol_new"),
    path("protocols/<uuid:protocol_id>/", pv.protocol_detail, name="protocol_detail"),
    path("protocols/<uuid:protocol_id>/edit/", pv.protocol_edit, name="protocol_edit"),
    path("protocols/<uuid:protocol_id>/verify/", pv.protocol_verify, name="protocol_verify"),
    path("stats/", sv.stats_home, name="stats_home"),
    path("stats/prepare/", sv.stats_prepare, name="stats_prepare"),
    path("stats/operations/", sv.operations, name="stats_operations"),
    path("stats/tables/", sv.period_tables, name="stats_tables"),
    path("stats/tables/snapshot/", sv.snapshot_now, name="stats_snapshot"),
    path("stats/releases/<uuid:release_id>/", sv.stats_release, name="stats_release"),
    path("stats/releases/<uuid:release_id>/approve/", sv.stats_approve, name="stats_approve"),
    path("stats/releases/<uuid:release_id>/withdraw/", sv.stats_withdraw, name="stats_withdraw"),
    path("routing/bar/", rv.routing_bar, name="routing_bar"),
    path("routing/presence/", rv.presence, name="presence"),
    path("routing/offers/<uuid:offer_id>/accept/", rv.offer_accept, name="offer_accept"),
    path("routing/offers/<uuid:offer_id>/decline/", rv.offer_decline, name="offer_decline"),
    path("routing/board/", rv.board, name="board"),
    path("routing/spam/", spam_views.spam, name="spam"),
    path("routing/spam/dismiss/", spam_views.spam_dismiss, name="spam_dismiss"),
    path("routing/spam/<uuid:batch_id>/restore/", spam_views.spam_restore, name="spam_restore"),
    path("routing/board/live/", rv.board_partial, name="board_partial"),
    path("routing/metrics/", rv.metrics, name="routing_metrics"),
    path("routing/queues/<int:queue_id>/divert/", rv.queue_divert, name="queue_divert"),
    path("routing/staffing/", rv.staffing, name="staffing"),
    path("contacts/<uuid:contact_id>/triage/", rv.retriage, name="retriage"),
    path("contacts/<uuid:contact_id>/call/<slug:action>/", rv.call_action, name="call_action"),
    path("training/", training_views.training, name="training"),
    path("training/courses/", training_views.training_courses, name="training_courses"),
    path("training/staff/<int:user_id>/", training_views.training_staff, name="training_staff"),
    path(
        "training/records/<uuid:record_id>/remove/",
        training_views.training_record_remove,
        name="training_record_remove",
    ),
    path("contacts/<uuid:contact_id>/review/", review_views.review_new, name="review_new"),
    path("reviews/", review_views.review_list, name="review_list"),
    path("reviews/summary/", review_views.review_summary, name="review_summary"),
    path("reviews/<uuid:review_id>/", review_views.review_detail, name="review_detail"),
    path(
        "reviews/<uuid:review_id>/acknowledge/",
        review_views.review_acknowledge,
        name="review_acknowledge",
    ),
    path("softphone/", rv.softphone, name="softphone"),
    path("softphone/token/", rv.softphone_token, name="softphone_token"),
    path("softphone/<slug:action>/", rv.softphone_action, name="softphone_action"),
]
