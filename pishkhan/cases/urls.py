from django.urls import path

from pishkhan.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bulk/", views.inbox_bulk, name="inbox_bulk"),
    path("register/", views.register, name="register"),
    path("lookup/", views.returning_citizen, name="lookup"),
    path("suggest-service/", views.suggest_service, name="suggest_service"),
    path("summary/", views.summary, name="summary"),
    path("<str:code>/", views.case_detail, name="case"),
    path("<str:code>/act/", views.case_act, name="act"),
    path("<str:code>/receipt/", views.receipt, name="receipt"),
    path("<str:code>/files/<int:file_id>/", views.case_file, name="file"),
]
