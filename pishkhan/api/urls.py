"""REST API v1: each domain app keeps its own apis.py; this file only includes them."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

app_name = "api"
urlpatterns = [
    path("auth/token/", obtain_auth_token, name="token"),
]
