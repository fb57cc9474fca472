from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningProfileConfig(AppConfig):
    name = "learning_profile"
    verbose_name = _("Personal Development Profile")

    def ready(self):
        from . import checks, signals  # noqa: F401
