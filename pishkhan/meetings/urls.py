from django.urls import path

from pishkhan.meetings import floor_views, views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_index, name="list"),
    path("<int:pk>/", views.agenda, name="agenda"),
    path("<int:pk>/agenda/", views.agenda_action, name="agenda_action"),
    path("<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("<int:pk>/session/", views.session, name="session"),
    path("<int:pk>/items/<int:item_pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/items/<int:item_pk>/open/", views.item_open, name="item_open"),
    path("<int:pk>/items/<int:item_pk>/pull/", floor_views.pull, name="pull"),
    path("<int:pk>/items/<int:item_pk>/tally/", floor_views.tally, name="tally"),
    path("<int:pk>/consent/", floor_views.consent, name="consent"),
    path("<int:pk>/live/", floor_views.live, name="live"),
    path("<int:pk>/live/current/", floor_views.live_current, name="live_current"),
    path("<int:pk>/decisions/<int:decision_pk>/position/", floor_views.position, name="position"),
    path("<int:pk>/reopen/", floor_views.reopen, name="reopen"),
    path("<int:pk>/decline/", floor_views.decline, name="decline"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("import/", views.import_upload, name="import"),
    path("import/map/", views.import_map, name="import_map"),
    path("import/run/", views.import_run, name="import_run"),
]
