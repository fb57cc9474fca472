"""site/sanitize.py keeps the formatting editors can use and removes everything unsafe."""

import pytest

from emilia.sanitize import sanitize_html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hello <b>you</b></p>", "<p>Hello <b>you</b></p>"),
        ('<script>alert("x")</script><p>Hi</p>', 'alert("x")<p>Hi</p>'),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        (
            '<a href="https://example.org" onclick="evil()">x</a>',
            '<a href="https://example.org">x</a>',
        ),
        ('<p style="color:red">x</p>', "<p>x</p>"),
        ('<img src="file:///etc/passwd">', ""),
        ("<iframe src=//evil.example></iframe>", ""),
        ("<!-- note --><p>x</p>", "<p>x</p>"),
        ("<ul><li>one</li></ul>", "<ul><li>one</li></ul>"),
    ],
)
def test_sanitize(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_script_text_is_never_left_as_a_tag():
    assert "<script" not in sanitize_html("<scr<script>ipt>alert(1)</script>")
