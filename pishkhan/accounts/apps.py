from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pishkhan.accounts"
    label = "accounts"
    verbose_name = "سازمان و کاربران"
