from django.urls import path

from pishkhan.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_index, name="list"),
    path("<int:pk>/", views.agenda, name="agenda"),
    path("<int:pk>/agenda/", views.agenda_action, name="agenda_action"),
    path("<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("<int:pk>/session/", views.session, name="session"),
    path("<int:pk>/items/<int:item_pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("import/", views.import_upload, name="import"),
    path("import/map/", views.import_map, name="import_map"),
    path("import/run/", views.import_run, name="import_run"),
]
