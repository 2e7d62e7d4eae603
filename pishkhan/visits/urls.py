from django.urls import path

from pishkhan.visits import views

app_name = "visits"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("today/sheet.pdf", views.day_sheet_pdf, name="day_sheet"),
    path("ical/<str:token>.ics", views.ical, name="ical"),
    path("ical/new/", views.ical_issue, name="ical_issue"),
    path("ical/revoke/", views.ical_revoke, name="ical_revoke"),
    path("plan/", views.plan, name="plan"),
    path("plan/run/", views.plan_run, name="plan_run"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
    path("<int:pk>/reorder/", views.reorder, name="reorder"),
    path("<int:pk>/swap/", views.swap, name="swap"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("<int:pk>/citizen-photos/<int:file_id>/", views.citizen_photo, name="citizen_photo"),
]
