"""Public request submission and tracking (/requests/new/, /track/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
