"""Turn the source files in content/ into Wagtail pages, idempotently.

Pages are matched on their stable `content_key` (never their title). A page whose source has
not changed is left alone, so a second run creates no page and no revision. Each programme is
imported in one transaction: a programme with any problem in any of its files is reported and
nothing of it is written.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from courses.models import (
    AssessmentStage,
    AssessmentStatement,
    Audience,
    Obstacle,
    ProgrammeIndexPage,
    ProgrammePage,
    SessionPage,
    Solution,
)
from courses.signals import pack_builds_paused
from emilia.models import CrisisContact, HomePage
from emilia.sanitize import sanitize_html

from .source import (
    AUDIENCES,
    PROGRAMMES_DIR,
    ContentError,
    ContentErrors,
    programme_folders,
    read_programme,
)

CONTENT_DIR = Path(__file__).resolve().parent
LANGUAGE = "en"

HOME_TITLE = "Learning for recovery, designed by people who know"
HOME_INTRO = (
    "Free courses written by people who use mental health services. Read every session, "
    "download the materials, keep your own private learning plan, and train to run courses "
    "yourself."
)
CATALOGUE_TITLE = "Courses"
CATALOGUE_INTRO = (
    "Eleven courses, each designed by people with lived experience of mental health services. "
    "Every course is free to read, print and run."
)
WORKFLOW_NAME = "Programme moderation"
TASK_NAME = "Moderator approval"


@dataclass
class ImportReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    unpublished: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def render_markdown(text):
    """Markdown to safe HTML that Wagtail's rich-text editor can edit."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return sanitize_html(html.replace("<strong>", "<b>").replace("</strong>", "</b>"))


def _digest(values):
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _handout_part(part):
    if part.kind == "text":
        return {"type": "text", "value": render_markdown(part.text)}
    if part.kind == "checklist":
        return {"type": "checklist", "value": list(part.items)}
    if part.kind == "lines":
        return {"type": "writing_space", "value": {"prompt": part.text, "lines": part.size}}
    return {"type": "table", "value": {"columns": part.columns, "rows": part.rows}}


def session_body(session):
    """The session's StreamField content: content notes, activities, then handouts."""
    body = [
        {
            "type": "content_note",
            "value": {
                "title": note.title,
                "text": render_markdown(note.text),
                "opt_out": render_markdown(note.opt_out),
            },
        }
        for note in session.content_notes
    ]
    body += [
        {
            "type": "activity",
            "value": {
                "title": activity.title,
                "activity_type": activity.type,
                "minutes": activity.minutes,
                "instructions": render_markdown(activity.instructions),
                "trainer_notes": render_markdown(activity.trainer_notes),
            },
        }
        for activity in session.activities
    ]
    body += [
        {
            "type": "handout",
            "value": {
                "title": handout.title,
                "content": [_handout_part(part) for part in handout.parts],
            },
        }
        for handout in session.handouts
    ]
    return body


def programme_fields(programme):
    return {
        "title": programme.title,
        "slug": programme.slug,
        "number": programme.number,
        "summary": programme.summary,
        "easy_read_summary": "\n".join(programme.easy_read),
        "introduction": render_markdown(programme.introduction),
        "delivery_model": programme.delivery,
        "aims": "\n".join(programme.aims),
        "learning_outcomes": "\n".join(programme.outcomes),
        "licence": programme.licence,
    }


def session_fields(session):
    return {
        "title": session.title,
        "slug": session.slug,
        "number": session.number,
        "summary": session.summary,
        "duration_minutes": session.minutes,
        "aims": "\n".join(session.aims),
        "preparation": "\n".join(session.preparation),
        "materials": "\n".join(session.materials),
        "body": json.dumps(session_body(session)),
    }


def translation_languages():
    """The site's other languages that have a content/site.LANG.yaml (home and catalogue)."""
    return [
        code
        for code, _name in settings.LANGUAGES
        if code != LANGUAGE and (CONTENT_DIR / f"site.{code}.yaml").exists()
    ]


class Importer:
    def __init__(self, source=PROGRAMMES_DIR, language=LANGUAGE, translations=True):
        self.source = Path(source)
        self.language = language
        self.translations = translations and language == LANGUAGE
        self.report = ImportReport()

    def run(self):
        programmes = self._read(self.language)
        self._check_unique_keys(programmes)
        with pack_builds_paused():
            self._import(programmes)
            if self.translations:
                for language in translation_languages():
                    TranslationImporter(self, language).run()
        return self.report

    def _read(self, language, required=True):
        programmes = []
        for folder in programme_folders(self.source):
            if not required and not (folder / f"programme.{language}.md").exists():
                continue
            try:
                programmes.append(read_programme(folder, language))
            except ContentErrors as exc:
                self.report.errors.extend(exc.errors)
        return programmes

    def _import(self, programmes):
        with transaction.atomic():
            self.locale = Locale.objects.get_or_create(language_code=self.language)[0]
            self.home = ensure_home(self.locale)
            self.index = ensure_catalogue(self.home, self.locale)
            ensure_permissions_and_workflow(self.home, self.index)
            self.audiences = ensure_audiences(self.locale)
            ensure_crisis_contacts(self.locale)
        try:
            with transaction.atomic():
                ensure_self_assessment(self.locale)
        except ContentErrors as exc:
            self.report.errors.extend(exc.errors)
        for programme in programmes:
            with transaction.atomic():
                self.import_programme(programme)

    def _check_unique_keys(self, programmes):
        """A key used by two programmes would make pages swap places: skip the second."""
        seen = {}
        for programme in list(programmes):
            keys = [programme.key, *(session.key for session in programme.sessions)]
            clash = next((key for key in keys if key in seen), None)
            if clash:
                self.report.errors.append(
                    ContentError(programme.path, 1, f"key '{clash}' is also used in {seen[clash]}")
                )
                programmes.remove(programme)
                continue
            seen.update(dict.fromkeys(keys, programme.path.parent.name))

    def import_programme(self, programme):
        values = programme_fields(programme)
        tags = sorted(programme.tags)
        audience_slugs = sorted(programme.audience)
        digest = _digest([values, tags, audience_slugs])
        page = ProgrammePage.objects.filter(content_key=programme.key, locale=self.locale).first()
        label = f"Programme {programme.number}: {programme.title}"
        if page is None:
            page = ProgrammePage(content_key=programme.key, locale=self.locale, **values)
            page.source_digest = digest
            page.tags.set(tags)
            page.audiences.set([self.audiences[slug] for slug in audience_slugs])
            self.index.add_child(instance=page)
            page.save_revision().publish()
            self.report.created.append(label)
        elif page.source_digest != digest or not page.live:
            for name, value in values.items():
                setattr(page, name, value)
            page.source_digest = digest
            page.tags.set(tags)
            page.audiences.set([self.audiences[slug] for slug in audience_slugs])
            page.save_revision().publish()
            self.report.updated.append(label)
        else:
            self.report.unchanged.append(label)

        import_sessions(self, page, programme, label)

    def import_session(self, programme_page, programme, session):
        values = session_fields(session)
        digest = _digest(values)
        label = f"Programme {programme.number}, session {session.number}: {session.title}"
        page = SessionPage.objects.filter(content_key=session.key, locale=self.locale).first()
        if page is None:
            page = SessionPage(content_key=session.key, locale=self.locale, **values)
            page.source_digest = digest
            programme_page.add_child(instance=page)
            page.save_revision().publish()
            self.report.created.append(label)
            return
        if page.source_digest == digest and page.live:
            self.report.unchanged.append(label)
            return
        if page.get_parent().pk != programme_page.pk:
            page.move(programme_page, pos="last-child")
            page.refresh_from_db()
        for name, value in values.items():
            setattr(page, name, value)
        page.source_digest = digest
        page.save_revision().publish()
        self.report.updated.append(label)


class TranslationImporter:
    """One language's files, as Wagtail translations of the English pages.

    Each translated page shares its English page's translation key (made with
    `copy_for_translation`), so the language switcher, hreflang links and the admin's
    translation list connect them. A programme translated only as far as its programme page is
    imported without sessions; its page then links to the English sessions. The home page,
    catalogue and audience names come from content/site.LANG.yaml, seeded once.
    """

    def __init__(self, english, language):
        self.english = english
        self.language = language
        self.report = english.report

    def run(self):
        programmes = self.english._read(self.language, required=False)
        site = yaml.safe_load(
            (CONTENT_DIR / f"site.{self.language}.yaml").read_text(encoding="utf-8")
        )
        with transaction.atomic():
            self.locale = Locale.objects.get_or_create(language_code=self.language)[0]
            self.home = seed_translation(
                self.english.home, self.locale, title=site["home_title"], intro=site["home_intro"]
            )
            seed_translation(
                self.english.index,
                self.locale,
                title=site["catalogue_title"],
                intro=site["catalogue_intro"],
            )
            self.audiences = ensure_audiences(self.locale, site.get("audiences", {}))
            ensure_crisis_contacts(self.locale)
        for programme in programmes:
            with transaction.atomic():
                self.import_programme(programme)

    def _publish(self, page, values, digest, label):
        created = page.source_digest == ""  # a fresh copy has no digest of its own yet
        for name, value in values.items():
            setattr(page, name, value)
        page.source_digest = digest
        page.save_revision().publish()
        (self.report.created if created else self.report.updated).append(label)

    def import_programme(self, programme):
        source = ProgrammePage.objects.filter(
            content_key=programme.key, locale=self.english.locale
        ).first()
        label = f"Programme {programme.number} ({self.language}): {programme.title}"
        if source is None:
            self.report.errors.append(
                ContentError(programme.path, 1, f"no English programme has key '{programme.key}'")
            )
            return
        values = programme_fields(programme)
        tags = sorted(programme.tags)
        audience_slugs = sorted(programme.audience)
        digest = _digest([values, tags, audience_slugs])
        page = source.get_translation_or_none(self.locale)
        if page is None:
            page = source.copy_for_translation(self.locale)
            page.source_digest = ""
        elif page.source_digest == digest and page.live:
            self.report.unchanged.append(label)
            page = None
        if page is not None:
            page.tags.set(tags)
            page.audiences.set([self.audiences[slug] for slug in audience_slugs])
            self._publish(page, values, digest, label)
        translated = page or source.get_translation(self.locale)

        import_sessions(self, translated, programme, label)

    def import_session(self, programme_page, programme, session):
        label = (
            f"Programme {programme.number}, session {session.number} ({self.language}): "
            f"{session.title}"
        )
        source = SessionPage.objects.filter(
            content_key=session.key, locale=self.english.locale
        ).first()
        if source is None:
            self.report.errors.append(
                ContentError(session.path, 1, f"no English session has key '{session.key}'")
            )
            return
        values = session_fields(session)
        digest = _digest(values)
        page = source.get_translation_or_none(self.locale)
        if page is None:
            page = source.copy_for_translation(self.locale)
            page.source_digest = ""
        elif page.source_digest == digest and page.live:
            self.report.unchanged.append(label)
            return
        self._publish(page, values, digest, label)


def import_sessions(importer, programme_page, programme, label):
    """Import the programme's sessions under `programme_page`; unpublish sessions whose file
    has gone (pages without a content key were made by editors and are left alone)."""
    keys = set()
    for session in programme.sessions:
        keys.add(session.key)
        importer.import_session(programme_page, programme, session)
    stale_pages = SessionPage.objects.child_of(programme_page).live().exclude(content_key__in=keys)
    for stale in stale_pages:
        if stale.content_key:
            stale.unpublish()
            importer.report.unpublished.append(f"{label}, session '{stale.title}'")


def seed_translation(source, locale, **values):
    """The translation of an English page, created once with `values`; editors own it after."""
    page = source.get_translation_or_none(locale)
    if page is not None:
        return page
    page = source.copy_for_translation(locale)
    if page.get_parent().is_root():
        page.slug = f"home-{locale.language_code}"
    for name, value in values.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def ensure_home(locale):
    """The site's home page, replacing Wagtail's initial 'Welcome' page on a fresh database."""
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(locale=locale).first()
    if home:
        return home
    site = Site.objects.filter(is_default_site=True).first()
    welcome = site.root_page if site else None
    home = HomePage(title=HOME_TITLE, slug="home-" + locale.language_code, intro=HOME_INTRO)
    home.locale = locale
    root.add_child(instance=home)
    home.save_revision().publish()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Emilia Training",
        )
    else:
        site.root_page = home
        site.site_name = "Emilia Training"
        site.save()
    if welcome and welcome.specific_class is Page and not welcome.get_children().exists():
        welcome.delete()
    return home


def ensure_catalogue(home, locale):
    index = ProgrammeIndexPage.objects.filter(locale=locale).first()
    if index is None:
        index = ProgrammeIndexPage(title=CATALOGUE_TITLE, slug="programmes", intro=CATALOGUE_INTRO)
        index.locale = locale
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


def ensure_permissions_and_workflow(home, index):
    """Editors edit and submit programmes; Moderators approve and publish them."""
    editors = Group.objects.get(name="Editors")
    moderators = Group.objects.get(name="Moderators")
    codenames = {
        editors: ["add_page", "change_page"],
        moderators: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    }
    for group, names in codenames.items():
        for codename in names:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page=home, permission=permission
            )
    # Editors and moderators may start a translation from the admin (simple_translation).
    translate = Permission.objects.filter(
        content_type__app_label="simple_translation", codename="submit_translation"
    ).first()
    if translate:
        editors.permissions.add(translate)
        moderators.permissions.add(translate)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
        task.groups.set([moderators])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})


def ensure_audiences(locale, names=None):
    """The four audiences in `locale`, as translations of the English ones."""
    audiences = {}
    for slug, name in AUDIENCES.items():
        english = Audience.objects.filter(slug=slug, locale__language_code=LANGUAGE).first()
        defaults = {"name": (names or {}).get(slug, name)}
        if english and english.locale != locale:
            defaults["translation_key"] = english.translation_key
        audience, _ = Audience.objects.get_or_create(slug=slug, locale=locale, defaults=defaults)
        audiences[slug] = audience
    return audiences


def ensure_crisis_contacts(locale):
    """Seed the contacts once per language; after that they belong to the editors."""
    path = CONTENT_DIR / f"crisis_contacts.{locale.language_code}.yaml"
    if not path.exists() or CrisisContact.objects.filter(locale=locale).exists():
        return
    for order, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
        CrisisContact.objects.create(locale=locale, sort_order=order, **entry)


SELF_ASSESSMENT_FILE = CONTENT_DIR / "organisations" / "self-assessment.{language}.yaml"


def ensure_self_assessment(locale, path=None):
    """Seed the self-assessment stages and obstacles once; editors keep them up to date after.

    Entries are matched on their key: missing ones are added, existing ones are left alone.
    Returns the number of entries added. Raises ContentErrors for a file that does not fit.
    """
    path = Path(path or str(SELF_ASSESSMENT_FILE).format(language=locale.language_code))
    if not path.exists():
        return 0
    data = _read_self_assessment(path)
    added = 0
    stages = {}
    for number, stage_data in enumerate(data["stages"], start=1):
        stage = AssessmentStage.objects.filter(key=stage_data["key"], locale=locale).first()
        if stage is None:
            stage = AssessmentStage(
                key=stage_data["key"],
                number=stage_data.get("number", number),
                title=stage_data["title"],
                summary=" ".join(stage_data["summary"].split()),
                locale=locale,
            )
            for order, statement in enumerate(stage_data["statements"]):
                stage.statements.add(
                    AssessmentStatement(
                        key=statement["key"],
                        text=statement["text"],
                        sort_order=order,
                        locale=locale,
                    )
                )
            stage.save()
            added += 1
        stages[stage.key] = stage
    for obstacle_data in data["obstacles"]:
        if Obstacle.objects.filter(key=obstacle_data["key"], locale=locale).exists():
            continue
        obstacle = Obstacle(
            key=obstacle_data["key"],
            stage=stages[obstacle_data["stage"]],
            title=obstacle_data["title"],
            description=" ".join(obstacle_data["description"].split()),
            locale=locale,
        )
        for order, solution in enumerate(obstacle_data["solutions"]):
            obstacle.solutions.add(
                Solution(
                    key=solution["key"],
                    title=solution["title"],
                    text=" ".join(solution["text"].split()),
                    sort_order=order,
                    locale=locale,
                )
            )
        obstacle.save()
        added += 1
    return added


def _read_self_assessment(path):
    errors = []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContentErrors(
            [ContentError(path, mark.line + 1 if mark else 1, "the file is not valid YAML")]
        ) from exc
    if not isinstance(data, dict) or not data.get("stages") or not data.get("obstacles"):
        raise ContentErrors([ContentError(path, 1, "the file needs 'stages' and 'obstacles'")])
    keys = set()
    stage_keys = set()

    def need(entry, fields, where):
        for name in fields:
            if not isinstance(entry, dict) or not str(entry.get(name, "")).strip():
                errors.append(ContentError(path, 1, f"{where} has no '{name}'"))
        key = entry.get("key") if isinstance(entry, dict) else None
        if key in keys:
            errors.append(ContentError(path, 1, f"key '{key}' is used twice"))
        keys.add(key)

    for stage in data["stages"]:
        need(stage, ("key", "title", "summary"), f"stage '{stage.get('key', '?')}'")
        stage_keys.add(stage.get("key"))
        for statement in stage.get("statements") or []:
            need(statement, ("key", "text"), f"a statement of stage '{stage.get('key')}'")
        if not stage.get("statements"):
            errors.append(ContentError(path, 1, f"stage '{stage.get('key')}' has no statements"))
    for obstacle in data["obstacles"]:
        need(
            obstacle, ("key", "stage", "title", "description"), f"obstacle '{obstacle.get('key')}'"
        )
        if obstacle.get("stage") not in stage_keys:
            errors.append(
                ContentError(path, 1, f"obstacle '{obstacle.get('key')}' names an unknown stage")
            )
        if not obstacle.get("solutions"):
            errors.append(
                ContentError(path, 1, f"obstacle '{obstacle.get('key')}' has no solution")
            )
        for solution in obstacle.get("solutions") or []:
            need(solution, ("key", "title", "text"), f"a solution of '{obstacle.get('key')}'")
    if errors:
        raise ContentErrors(errors)
    return data
