"""The one HTML sanitiser: every piece of HTML that is not Wagtail's own passes through here.

Only the tags that Wagtail's rich-text editor itself can produce are kept, so imported text stays
editable in the admin; everything else (scripts, styles, event handlers, javascript: links) goes.
"""

import bleach

ALLOWED_TAGS = frozenset(
    {"p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "hr"}
)
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})


def sanitize_html(html):
    """Return `html` with only safe tags, safe attributes and safe link protocols left."""
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return cleaned.strip()
