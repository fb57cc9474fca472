from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from wagtail.signals import page_published

        from .models import ProgrammePage, SessionPage
        from .signals import queue_builds

        page_published.connect(queue_builds, sender=ProgrammePage)
        page_published.connect(queue_builds, sender=SessionPage)
