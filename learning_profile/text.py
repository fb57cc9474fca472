"""Plain text in, plain text out: what every PDP form does to what a learner types."""

import unicodedata

KEEP = {"\n", "\t"}


def clean_text(value):
    """Line endings made \\n; control characters other than newline and tab removed.

    Emoji, accents, right-to-left text and its direction marks are kept as typed (they are
    format characters, not control characters). NUL is refused earlier, by Django's own
    validator, with a message.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in value if char in KEEP or unicodedata.category(char) != "Cc")
