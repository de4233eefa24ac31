from django.apps import AppConfig


class FeedAppConfig(AppConfig):
    """Feeds declared only for the tests of the shared pipeline (installed by test settings)."""

    name = "tests.feedapp"
    label = "feedapp"
    default_auto_field = "django.db.models.BigAutoField"
