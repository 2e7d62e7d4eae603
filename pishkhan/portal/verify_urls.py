"""Public verification of signed decisions (/decisions/verify/...)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
