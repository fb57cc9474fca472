"""Plain-language checks for programme text: Flesch reading ease and repeated paragraphs.

The Flesch reading-ease score is 206.835 - 1.015 x (words per sentence)
- 84.6 x (syllables per word). Around 60-70 is plain English that most
12-year-olds can read; a good newspaper sits around 50. Syllables are counted
with the usual vowel-group rule, which is close enough to rank text by
difficulty and needs no word list.
"""

from __future__ import annotations

import re

LEARNER_MINIMUM = 60
TRAINER_MINIMUM = 50
PARAGRAPH_MINIMUM_CHARACTERS = 60

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n|\n\s*[-*]\s|\n\s*\d+\.\s|:\s*\n")
_MARKUP = re.compile(r"[*_`#>|\[\]]|\{[^}]*\}|\(https?://[^)]*\)")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def syllables(word):
    word = word.lower().strip("'")
    if len(word) <= 3:
        return 1
    if word.endswith("'s"):
        word = word[:-2]
    trimmed = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", "", word)
    trimmed = re.sub(r"^y", "", trimmed)
    count = len(_VOWEL_GROUP.findall(trimmed))
    if word.endswith("le") and len(word) > 2 and word[-3] not in "aeiouy":
        count += 1
    return max(1, count)


def plain(text):
    """Markdown as words: markup, link targets and attribute braces removed."""
    return _MARKUP.sub(" ", text)


def flesch(text):
    text = plain(text)
    words = _WORD.findall(text)
    if not words:
        return 100.0
    sentences = max(1, len([part for part in _SENTENCE_END.split(text) if _WORD.search(part)]))
    syllable_count = sum(syllables(word) for word in words)
    return 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syllable_count / len(words))


def learner_texts(programme):
    """Everything a learner reads: summaries, aims, instructions, content notes, handouts."""
    yield programme.summary
    yield from programme.easy_read
    yield from programme.aims
    yield from programme.outcomes
    yield programme.introduction
    for session in programme.sessions:
        yield session.summary
        yield from session.aims
        for activity in session.activities:
            yield activity.instructions
        for note in session.content_notes:
            yield note.text
            yield note.opt_out
        for handout in session.handouts:
            for part in handout.parts:
                yield part.text
                yield from part.items
                yield from part.columns
                for row in part.rows:
                    yield from row


def trainer_texts(programme):
    for session in programme.sessions:
        yield from session.preparation
        yield from session.materials
        for activity in session.activities:
            yield activity.trainer_notes


def _as_sentences(texts):
    """List items and short lines read as sentences of their own."""
    return "\n\n".join(text.strip() for text in texts if text and text.strip())


def scores(programme):
    return {
        "learner": flesch(_as_sentences(learner_texts(programme))),
        "trainer": flesch(_as_sentences(trainer_texts(programme))),
    }


def paragraphs(session):
    """The session's paragraphs long enough that sharing one would be copying."""
    texts = [session.summary]
    for activity in session.activities:
        texts += [activity.instructions, activity.trainer_notes]
    for note in session.content_notes:
        texts += [note.text, note.opt_out]
    for handout in session.handouts:
        texts += [part.text for part in handout.parts]
    for text in texts:
        for paragraph in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", text or ""):
            normal = " ".join(plain(paragraph).lower().split())
            if len(normal) >= PARAGRAPH_MINIMUM_CHARACTERS:
                yield normal


def shared_paragraphs(programmes):
    """Pairs of sessions (anywhere) that hold the same paragraph."""
    seen, shared = {}, []
    for programme in programmes:
        for session in programme.sessions:
            for paragraph in set(paragraphs(session)):
                where = f"{programme.path.parent.name}/{session.path.name}"
                if paragraph in seen and seen[paragraph] != where:
                    shared.append((seen[paragraph], where, paragraph))
                seen.setdefault(paragraph, where)
    return shared


def report(programme):
    result = scores(programme)
    lines = [
        f"reading ease, learner text: {result['learner']:.1f} (needs {LEARNER_MINIMUM} or more)",
        f"reading ease, trainer text: {result['trainer']:.1f} (needs {TRAINER_MINIMUM} or more)",
    ]
    for first, second, paragraph in shared_paragraphs([programme]):
        lines.append(f"repeated paragraph in {first} and {second}: {paragraph[:70]}...")
    return lines
