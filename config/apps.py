"""Third-party applications under names the admin shows in the user's language."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from pghistory.apps import PGHistoryConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login attempts")


class HistoryConfig(PGHistoryConfig):
    verbose_name = _("Change history")
