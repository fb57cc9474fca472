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

        # Upcoming runs show on the programme pages and the home page, cached whole.
        from django.db.models.signals import post_delete, post_save

        from emilia.middleware import forget_cached_pages

        from .models import CourseRun, RunSession

        for model in (CourseRun, RunSession):
            post_save.connect(forget_cached_pages, sender=model, dispatch_uid=f"forget-{model}")
            post_delete.connect(
                forget_cached_pages, sender=model, dispatch_uid=f"forget-d-{model}"
            )
