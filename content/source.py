"""Read and validate the programme source files in ``content/programmes/``.

This module knows nothing of Django, so writers can check their files with
``python -m content.source check content/programmes/NN-name`` before anything is
imported. The format is described in ``content/README.md``.

Every problem found is reported with the file name and line, and a programme with
any problem is not returned at all: the importer never sees half a programme.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PROGRAMMES_DIR = Path(__file__).resolve().parent / "programmes"

ACTIVITY_TYPES = (
    "icebreaker",
    "input",
    "discussion",
    "exercise",
    "role-play",
    "reflection",
    "break",
)
DELIVERY_MODELS = ("peer-led", "co-delivered")
AUDIENCES = {
    "people-who-use-services": "People who use mental health services",
    "peer-trainers": "Peer trainers and people training to be one",
    "families-and-carers": "Families, friends and carers",
    "staff": "Staff in services, colleges and workplaces",
}
SESSION_MINUTES = (120, 240)
SESSIONS_PER_PROGRAMME = (6, 10)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_SECTION = re.compile(r"^## (Activity|Content note|Handout): (.+?)\s*$")
_ANY_H2 = re.compile(r"^## ")
_SUBSECTION = re.compile(r"^### (.+?)\s*$")
_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
_CHECK_ITEM = re.compile(r"^- \[ \] (.+)$")
_LINES = re.compile(r"^\[lines:(\d+)\]\s+(.+)$")
_TABLE_ROW = re.compile(r"^\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$")
_FILE_NAME = re.compile(r"^(\d{2})-([a-z0-9-]+)\.([a-z]{2}(?:-[a-z]+)?)\.md$")


@dataclass
class ContentError:
    path: Path
    line: int
    message: str

    def __str__(self):
        return f"{_display(self.path)}, line {self.line}: {self.message}"


class ContentErrors(Exception):
    """Raised with every problem found in a programme's files."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass
class Activity:
    title: str
    type: str
    minutes: int
    instructions: str
    trainer_notes: str
    line: int


@dataclass
class ContentNote:
    title: str
    text: str
    opt_out: str
    line: int


@dataclass
class HandoutPart:
    """One piece of a handout.

    ``kind`` is ``text`` (Markdown), ``checklist`` (a list of items),
    ``lines`` (a prompt with ``size`` lines of writing space) or ``table``
    (``columns`` and ``rows``; empty cells are space to write in).
    """

    kind: str
    text: str = ""
    items: list = field(default_factory=list)
    size: int = 0
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)


@dataclass
class Handout:
    title: str
    parts: list
    line: int


@dataclass
class Session:
    path: Path
    key: str
    number: int
    slug: str
    title: str
    minutes: int
    summary: str
    aims: list
    preparation: list
    materials: list
    activities: list
    content_notes: list
    handouts: list


@dataclass
class Programme:
    path: Path
    language: str
    key: str
    number: int
    slug: str
    title: str
    summary: str
    easy_read: list
    audience: list
    delivery: str
    licence: str
    tags: list
    aims: list
    outcomes: list
    introduction: str
    sessions: list


def _display(path):
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _Reader:
    """Collects errors for one file while reading its front matter and body."""

    def __init__(self, path, errors):
        self.path = path
        self.errors = errors
        self.key_lines = {}
        self.meta = {}
        self.body = []  # (line number, text)

    def error(self, line, message):
        self.errors.append(ContentError(self.path, line, message))

    def read(self):
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.error(1, "the file is not UTF-8 text")
            return False
        text = text.replace("\r\n", "\n")
        if "\x00" in text:
            self.error(1, "the file contains a NUL byte")
            return False
        match = _FRONT_MATTER.match(text)
        if not match:
            self.error(1, "the file must start with front matter between two '---' lines")
            return False
        try:
            node = yaml.compose(match.group(1), Loader=yaml.SafeLoader)
            meta = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            # Where the broken construct starts, if YAML knows it; else where it noticed.
            mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark else 1
            problem = getattr(exc, "problem", None) or str(exc)
            self.error(line, f"the front matter is not valid YAML ({problem})")
            return False
        if not isinstance(meta, dict):
            self.error(2, "the front matter must be a set of 'name: value' lines")
            return False
        self.meta = meta
        self.key_lines = {key.value: key.start_mark.line + 2 for key, _ in node.value}
        first_body_line = match.group(0).count("\n") + 1
        self.body = [
            (first_body_line + offset, line)
            for offset, line in enumerate(text[match.end() :].split("\n"))
        ]
        return True

    def line_of(self, key):
        return self.key_lines.get(key, 1)

    def text(self, key, required=True):
        value = self.meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(self.line_of(key), f"'{key}' is missing or empty")
            return ""
        if not isinstance(value, str | int | float):
            self.error(self.line_of(key), f"'{key}' must be text")
            return ""
        return str(value).strip()

    def integer(self, key):
        value = self.meta.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(self.line_of(key), f"'{key}' must be a whole number")
            return 0
        return value

    def strings(self, key, required=True):
        value = self.meta.get(key)
        if value is None:
            if required:
                self.error(self.line_of(key), f"'{key}' is missing: give a list of items")
            return []
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            self.error(self.line_of(key), f"'{key}' must be a list of text items")
            return []
        if required and not value:
            self.error(self.line_of(key), f"'{key}' must have at least one item")
        return [item.strip() for item in value]

    def unknown_keys(self, allowed):
        for key in self.meta:
            if key not in allowed:
                self.error(self.line_of(key), f"'{key}' is not a field this file can have")


def _join(lines):
    return "\n".join(text for _, text in lines).strip()


def _split_subsections(lines):
    """Split body lines at ``### `` headings: returns (lead lines, {heading: (line, lines)})."""
    lead, subsections, current = [], {}, None
    for number, text in lines:
        match = _SUBSECTION.match(text)
        if match:
            current = match.group(1).strip().lower()
            subsections[current] = (number, [])
            continue
        (subsections[current][1] if current else lead).append((number, text))
    return lead, subsections


def _parse_attrs(reader, number, raw):
    attrs = {}
    for item in raw.split():
        name, sep, value = item.partition("=")
        if not sep:
            reader.error(number, f"'{item}' in {{...}} must be written as name=value")
            continue
        attrs[name] = value
    return attrs


def _parse_activity(reader, number, title, lines):
    match = _ATTRS.search(title)
    if not match:
        reader.error(
            number,
            "an activity heading must end with {type=... minutes=...}, "
            "for example '## Activity: Welcome {type=icebreaker minutes=20}'",
        )
        return None
    attrs = _parse_attrs(reader, number, match.group(1))
    title = title[: match.start()].strip()
    kind = attrs.pop("type", "")
    if kind not in ACTIVITY_TYPES:
        reader.error(number, f"activity type '{kind}' is not one of: {', '.join(ACTIVITY_TYPES)}")
    minutes_text = attrs.pop("minutes", "")
    minutes = int(minutes_text) if minutes_text.isdigit() else 0
    if minutes <= 0:
        reader.error(number, "an activity needs minutes=N with N a whole number above 0")
    for name in attrs:
        reader.error(number, f"'{name}' is not an activity attribute (use type and minutes)")
    lead, subsections = _split_subsections(lines)
    notes = subsections.pop("trainer notes", None)
    for heading, (line, _) in subsections.items():
        reader.error(
            line, f"'### {heading}' is not allowed in an activity (only '### Trainer notes')"
        )
    instructions = _join(lead)
    if not instructions:
        reader.error(number, f"activity '{title}' has no instructions")
    if not notes or not _join(notes[1]):
        reader.error(number, f"activity '{title}' has no '### Trainer notes'")
    return Activity(
        title=title,
        type=kind,
        minutes=minutes,
        instructions=instructions,
        trainer_notes=_join(notes[1]) if notes else "",
        line=number,
    )


def _parse_content_note(reader, number, title, lines):
    lead, subsections = _split_subsections(lines)
    opt_out = subsections.pop("opt-out", None)
    for heading, (line, _) in subsections.items():
        reader.error(
            line, f"'### {heading}' is not allowed in a content note (only '### Opt-out')"
        )
    if not _join(lead):
        reader.error(number, f"content note '{title}' has no text")
    if not opt_out or not _join(opt_out[1]):
        reader.error(number, f"content note '{title}' needs an '### Opt-out' alternative")
    return ContentNote(
        title=title,
        text=_join(lead),
        opt_out=_join(opt_out[1]) if opt_out else "",
        line=number,
    )


def _table_cells(text):
    return [cell.strip() for cell in text.strip().strip("|").split("|")]


def _parse_handout(reader, number, title, lines):
    parts, text_lines, index = [], [], 0

    def flush_text():
        if _join(text_lines):
            parts.append(HandoutPart(kind="text", text=_join(text_lines)))
        text_lines.clear()

    while index < len(lines):
        line_number, text = lines[index]
        if _SUBSECTION.match(text):
            reader.error(line_number, "use '#### ' or bold text for headings inside a handout")
        if _CHECK_ITEM.match(text):
            flush_text()
            items = []
            while index < len(lines) and _CHECK_ITEM.match(lines[index][1]):
                items.append(_CHECK_ITEM.match(lines[index][1]).group(1).strip())
                index += 1
            parts.append(HandoutPart(kind="checklist", items=items))
            continue
        lines_match = _LINES.match(text)
        if lines_match:
            flush_text()
            size = int(lines_match.group(1))
            if not 1 <= size <= 20:
                reader.error(line_number, "[lines:N] takes a number from 1 to 20")
            parts.append(HandoutPart(kind="lines", text=lines_match.group(2).strip(), size=size))
            index += 1
            continue
        if _TABLE_ROW.match(text):
            flush_text()
            rows = []
            start = line_number
            while index < len(lines) and _TABLE_ROW.match(lines[index][1]):
                rows.append(lines[index])
                index += 1
            if len(rows) < 3 or not _TABLE_RULE.match(rows[1][1]):
                reader.error(start, "a table needs a header row, a '|---|' row, then rows")
                continue
            columns = _table_cells(rows[0][1])
            body = [_table_cells(row) for _, row in rows[2:]]
            for (row_number, _), cells in zip(rows[2:], body, strict=True):
                if len(cells) != len(columns):
                    reader.error(
                        row_number, f"this table row has {len(cells)} cells, not {len(columns)}"
                    )
            parts.append(HandoutPart(kind="table", columns=columns, rows=body))
            continue
        text_lines.append((line_number, text))
        index += 1
    flush_text()
    if not parts:
        reader.error(number, f"handout '{title}' is empty")
    return Handout(title=title, parts=parts, line=number)


def _split_sections(reader, body):
    """Split a session body into its ``## `` sections."""
    sections, current = [], None
    for number, text in body:
        match = _SECTION.match(text)
        if match:
            current = (match.group(1), match.group(2), number, [])
            sections.append(current)
        elif _ANY_H2.match(text):
            reader.error(
                number,
                "a '## ' heading must be '## Activity: ...', '## Content note: ...' "
                "or '## Handout: ...'",
            )
            current = None
        elif current:
            current[3].append((number, text))
        elif text.strip():
            reader.error(number, "text before the first '## ' heading is not allowed")
    return sections


SESSION_FIELDS = {
    "key",
    "number",
    "title",
    "minutes",
    "summary",
    "aims",
    "preparation",
    "materials",
}
PROGRAMME_FIELDS = {
    "key",
    "number",
    "title",
    "slug",
    "summary",
    "easy_read",
    "audience",
    "delivery",
    "licence",
    "tags",
    "aims",
    "outcomes",
}


def read_session(path, errors):
    reader = _Reader(path, errors)
    if not reader.read():
        return None
    reader.unknown_keys(SESSION_FIELDS)
    name = _FILE_NAME.match(path.name)
    session = Session(
        path=path,
        key=reader.text("key"),
        number=reader.integer("number"),
        slug=name.group(2) if name else "",
        title=reader.text("title"),
        minutes=reader.integer("minutes"),
        summary=reader.text("summary"),
        aims=reader.strings("aims"),
        preparation=reader.strings("preparation"),
        materials=reader.strings("materials"),
        activities=[],
        content_notes=[],
        handouts=[],
    )
    if name and session.number and int(name.group(1)) != session.number:
        reader.error(reader.line_of("number"), "'number' does not match the file name")
    if session.key and not _SLUG.match(session.key):
        reader.error(reader.line_of("key"), "'key' may hold only a-z, 0-9 and '-'")
    low, high = SESSION_MINUTES
    if session.minutes and not low <= session.minutes <= high:
        reader.error(reader.line_of("minutes"), f"a session lasts {low} to {high} minutes")
    for kind, title, number, lines in _split_sections(reader, reader.body):
        if kind == "Activity":
            activity = _parse_activity(reader, number, title, lines)
            if activity:
                session.activities.append(activity)
        elif kind == "Content note":
            session.content_notes.append(_parse_content_note(reader, number, title, lines))
        else:
            session.handouts.append(_parse_handout(reader, number, title, lines))
    if not session.activities:
        reader.error(1, "a session needs at least one '## Activity: ...'")
    if not session.handouts:
        reader.error(1, "a session needs at least one '## Handout: ...'")
    total = sum(activity.minutes for activity in session.activities)
    if session.activities and session.minutes and total != session.minutes:
        reader.error(
            reader.line_of("minutes"),
            f"the activities add up to {total} minutes but the session lasts "
            f"{session.minutes} minutes",
        )
    return session


def read_programme(folder, language="en"):
    """Read one programme folder in one language; raise ContentErrors on any problem."""
    folder = Path(folder)
    errors = []
    path = folder / f"programme.{language}.md"
    if not path.exists():
        raise ContentErrors([ContentError(path, 1, "this file is missing")])
    reader = _Reader(path, errors)
    if not reader.read():
        raise ContentErrors(errors)
    reader.unknown_keys(PROGRAMME_FIELDS)
    programme = Programme(
        path=path,
        language=language,
        key=reader.text("key"),
        number=reader.integer("number"),
        slug=reader.text("slug"),
        title=reader.text("title"),
        summary=reader.text("summary"),
        easy_read=reader.strings("easy_read"),
        audience=reader.strings("audience"),
        delivery=reader.text("delivery"),
        licence=reader.text("licence"),
        tags=reader.strings("tags"),
        aims=reader.strings("aims"),
        outcomes=reader.strings("outcomes"),
        introduction=_join(reader.body),
        sessions=[],
    )
    for key in ("key", "slug"):
        value = getattr(programme, key)
        if value and not _SLUG.match(value):
            reader.error(reader.line_of(key), f"'{key}' may hold only a-z, 0-9 and '-'")
    if programme.number and not 1 <= programme.number <= 99:
        reader.error(reader.line_of("number"), "'number' must be from 1 to 99")
    for audience in programme.audience:
        if audience not in AUDIENCES:
            reader.error(
                reader.line_of("audience"),
                f"audience '{audience}' is not one of: {', '.join(AUDIENCES)}",
            )
    if programme.delivery and programme.delivery not in DELIVERY_MODELS:
        reader.error(
            reader.line_of("delivery"),
            f"delivery must be one of: {', '.join(DELIVERY_MODELS)}",
        )
    if not programme.introduction:
        reader.error(1, "write an introduction below the front matter")

    keys, slugs, numbers = {}, {}, {}
    session_files = 0
    for session_path in sorted(folder.glob(f"*.{language}.md")):
        if session_path.name == path.name:
            continue
        if not _FILE_NAME.match(session_path.name):
            errors.append(ContentError(session_path, 1, "a session file is named NN-slug.LANG.md"))
            continue
        session_files += 1
        session = read_session(session_path, errors)
        if session is None:
            continue
        for seen, value, label in (
            (keys, session.key, "key"),
            (slugs, session.slug, "slug"),
            (numbers, session.number, "number"),
        ):
            if value in seen:
                errors.append(
                    ContentError(
                        session_path, 1, f"session {label} '{value}' is also used by {seen[value]}"
                    )
                )
            seen[value] = session_path.name
        programme.sessions.append(session)
    low, high = SESSIONS_PER_PROGRAMME
    # A translation may hold the programme page alone (summary, easy read, introduction) so
    # the catalogue is complete in that language before its sessions are translated.
    summary_only = language != "en" and session_files == 0
    if not summary_only and not low <= session_files <= high:
        errors.append(
            ContentError(
                path, 1, f"a programme has {low} to {high} sessions, this one has {session_files}"
            )
        )
    programme.sessions.sort(key=lambda session: session.number)
    if errors:
        raise ContentErrors(errors)
    return programme


def programme_folders(root=PROGRAMMES_DIR):
    return sorted(path for path in Path(root).iterdir() if path.is_dir())


def main(argv):
    """``python -m content.source check [folder ...]``: check programme folders."""
    if not argv or argv[0] != "check":
        print("usage: python -m content.source check [--language xx] [programme folder ...]")
        return 2
    from content.readability import report, shared_paragraphs

    args, language = list(argv[1:]), "en"
    if args[:1] == ["--language"] and len(args) >= 2:
        language, args = args[1], args[2:]
    folders = [Path(arg) for arg in args] or programme_folders()
    failed, programmes = False, []
    for folder in folders:
        try:
            programme = read_programme(folder, language)
        except ContentErrors as exc:
            failed = True
            print(f"{_display(folder)}: {len(exc.errors)} problem(s)")
            for error in exc.errors:
                print(f"  {error}")
            continue
        programmes.append(programme)
        print(
            f"{_display(folder)}: programme {programme.number}, "
            f"{len(programme.sessions)} sessions, OK"
        )
        for line in report(programme) if language == "en" else []:
            print(f"  {line}")
    if len(programmes) > 1:
        for first, second, paragraph in shared_paragraphs(programmes):
            failed = True
            print(f"repeated paragraph in {first} and {second}: {paragraph[:70]}...")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
