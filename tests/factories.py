"""Writes small, valid programme source folders for tests (the real ones are in content/)."""

from pathlib import Path
from textwrap import dedent

AUDIENCE_BY_NUMBER = {1: ["people-who-use-services"], 2: ["staff", "families-and-carers"]}
TAGS_BY_NUMBER = {1: ["hope", "recovery"], 2: ["work", "hope"]}


def programme_text(number, key, title, **overrides):
    fields = {
        "audience": AUDIENCE_BY_NUMBER.get(number, ["peer-trainers"]),
        "tags": TAGS_BY_NUMBER.get(number, ["learning"]),
        "delivery": "peer-led",
        "summary": f"A short course called {title}.",
    }
    fields.update(overrides)
    return dedent(
        f"""\
        ---
        key: {key}
        number: {number}
        title: {title}
        slug: {key}
        summary: {fields["summary"]}
        easy_read:
          - This is a course.
          - We meet each week.
        audience: [{", ".join(fields["audience"])}]
        delivery: {fields["delivery"]}
        licence: CC BY-SA 4.0
        tags: [{", ".join(fields["tags"])}]
        aims:
          - Learn together.
        outcomes:
          - Say what helps you.
        ---
        This course is for anyone who wants to {title.lower()}.
        """
    )


def session_text(key, number, title, body_word="together", minutes=(60, 60), extra=""):
    first, second = minutes
    return dedent(
        f"""\
        ---
        key: {key}
        number: {number}
        title: {title}
        minutes: {first + second}
        summary: Session {number} of the course {key}.
        aims: [Meet the group]
        preparation: [Set out the chairs]
        materials: [Flipchart]
        ---
        ## Content note: Hard memories {{}}
        Some of this may bring back hard memories for session {number} of {key}.

        ### Opt-out
        You can take a walk or write in your journal instead.

        ## Activity: Hello {{type=icebreaker minutes={first}}}
        We say hello and talk {body_word} in session {number} of {key}.

        ### Trainer notes
        Go first and keep it light in session {number} of {key}.

        ## Activity: Talk {{type=discussion minutes={second}}}
        We talk about what helps in session {number} of {key}.

        ### Trainer notes
        Write the group's words on the flipchart in session {number} of {key}.
        {extra}
        ## Handout: My notes for session {number}
        Use this sheet at home for session {number} of {key}.

        [lines:3] What helped today?

        - [ ] I know when we meet next

        | Step | By when |
        |---|---|
        | | |
        """
    ).replace("## Content note: Hard memories {}", "## Content note: Hard memories")


def write_programme(root, number, key, title, sessions=6, words=None, **overrides):
    folder = Path(root) / f"{number:02d}-{key}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "programme.en.md").write_text(
        programme_text(number, key, title, **overrides), encoding="utf-8"
    )
    words = words or {}
    for session in range(1, sessions + 1):
        (folder / f"{session:02d}-part-{session}.en.md").write_text(
            session_text(
                f"{key}-part-{session}",
                session,
                f"{title}, part {session}",
                body_word=words.get(session, "together"),
            ),
            encoding="utf-8",
        )
    return folder


def write_fixture_content(root):
    """Two programmes: 'Finding hope' (6 sessions) and 'Working well' (7 sessions)."""
    root = Path(root)
    write_programme(root, 1, "finding-hope", "Finding hope", words={3: "kaleidoscope"})
    write_programme(root, 2, "working-well", "Working well", sessions=7, delivery="co-delivered")
    return root


def write_translation(folder, language, title, phrase, sessions=True):
    """A translation beside a fixture programme: the same files with `title` and `phrase` in
    `language`. With `sessions=False`, only the programme page (a summary-only translation)."""
    folder = Path(folder)
    english = (folder / "programme.en.md").read_text(encoding="utf-8")
    original = english.split("title: ", 1)[1].split("\n", 1)[0]
    translated = english.replace(f"title: {original}", f"title: {title}")
    translated = translated.replace(
        f"summary: A short course called {original}.", f"summary: {phrase}."
    )
    (folder / f"programme.{language}.md").write_text(translated, encoding="utf-8")
    if not sessions:
        return
    for path in sorted(folder.glob("[0-9][0-9]-*.en.md")):
        text = path.read_text(encoding="utf-8")
        number = int(path.name[:2])
        text = text.replace(f"title: {original}, part {number}", f"title: {title} {number}")
        text = text.replace("We say hello and talk", f"{phrase}:")
        (folder / path.name.replace(".en.md", f".{language}.md")).write_text(
            text, encoding="utf-8"
        )


TRANSLATIONS = {
    # language: (title, phrase) for the fixture programme 'Finding hope'
    "fr": ("Retrouver l'espoir", "Nous parlons des chevaux et des rêves"),
    "el": ("Βρίσκοντας ελπίδα", "Μιλάμε για ελπίδα και θάρρος"),
    "pl": ("Odnaleźć nadzieję", "Zażółć gęślą jaźń, mówimy o nadziei"),
}


def write_translated_fixture_content(root):
    """The fixture programmes, with 'Finding hope' in French, Greek and Polish (all sessions)
    and 'Working well' in Danish as a programme page alone."""
    root = write_fixture_content(root)
    for language, (title, phrase) in TRANSLATIONS.items():
        write_translation(root / "01-finding-hope", language, title, phrase)
    write_translation(
        root / "02-working-well",
        "da",
        "Trives på arbejdet",
        "Et kursus om arbejde",
        sessions=False,
    )
    return root
