"""Public request submission and tracking (/requests/new/, /track/), SMS reply codes."""

from django.urls import path

from pishkhan.portal import requests

urlpatterns = [
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/receipt/<str:code>/", requests.request_receipt, name="request_receipt"),
    path("track/", requests.track, name="track"),
    path("track/<str:code>/", requests.track_case, name="track_case"),
    path("track/<str:code>/answer/", requests.track_answer, name="track_answer"),
    path("track/<str:code>/verdict/", requests.track_verdict, name="track_verdict"),
    path("sms/inbound/", requests.sms_inbound, name="sms_inbound"),
]
