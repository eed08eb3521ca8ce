from django.apps import AppConfig


class RfqConfig(AppConfig):
    name = "rfq"
    default_auto_field = "django.db.models.BigAutoField"
