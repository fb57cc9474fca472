"""Blocks for session pages: the timed plan, content notes and handouts."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h4"]


class ActivityType(blocks.ChoiceBlock):
    choices = [
        ("icebreaker", _("Icebreaker")),
        ("input", _("Input")),
        ("discussion", _("Discussion")),
        ("exercise", _("Exercise")),
        ("role-play", _("Role-play")),
        ("reflection", _("Reflection")),
        ("break", _("Break")),
    ]


class ActivityBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=150)
    activity_type = ActivityType()
    minutes = blocks.IntegerBlock(min_value=1, max_value=240)
    instructions = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, help_text=_("What the group does, written to the learner.")
    )
    trainer_notes = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, help_text=_("How to run it: for the peer trainer.")
    )

    class Meta:
        icon = "time"
        template = "courses/blocks/activity_block.html"
        description = _("One timed activity in the session plan")
        preview_value = {
            "title": "Welcome and ground rules",
            "activity_type": "icebreaker",
            "minutes": 20,
            "instructions": "<p>We agree together how we want this group to work.</p>",
            "trainer_notes": "<p>Write the group's words on the flipchart, not your own.</p>",
        }


class ContentNoteBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=150)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, help_text=_("Why it may be hard."))
    opt_out = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        help_text=_("What a learner can do instead, without having to explain."),
    )

    class Meta:
        icon = "warning"
        template = "courses/blocks/content_note_block.html"
        description = _("A heads-up about a topic that may be hard, with an alternative")
        preview_value = {
            "title": "Talking about hospital",
            "text": "<p>Some of us have hard memories of hospital.</p>",
            "opt_out": "<p>You can sit this one out and write in your journal instead.</p>",
        }


class WritingSpaceBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(max_length=300)
    lines = blocks.IntegerBlock(min_value=1, max_value=20, default=4)

    class Meta:
        icon = "edit"
        template = "courses/blocks/writing_space_block.html"
        description = _("A question with lines to write on")
        preview_value = {"prompt": "What helps me feel like myself?", "lines": 4}


class ChecklistBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(blocks.CharBlock(max_length=300), **kwargs)

    class Meta:
        icon = "tasks"
        template = "courses/blocks/checklist_block.html"
        description = _("Items with tick boxes")
        preview_value = ["I know where the group meets", "I have a pen and paper"]


class TableBlock(blocks.StructBlock):
    columns = blocks.ListBlock(blocks.CharBlock(max_length=100))
    rows = blocks.ListBlock(
        blocks.ListBlock(blocks.CharBlock(max_length=300, required=False)),
        help_text=_("Leave cells empty to give space to write."),
    )

    class Meta:
        icon = "table"
        template = "courses/blocks/table_block.html"
        description = _("A planning table; empty cells are space to write")
        preview_value = {"columns": ["Step", "By when"], "rows": [["", ""], ["", ""]]}


class HandoutContentBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="courses/blocks/text_block.html",
        description=_("Text"),
        preview_value="<p>Fill this in at home, in your own time.</p>",
    )
    writing_space = WritingSpaceBlock()
    checklist = ChecklistBlock()
    table = TableBlock()

    class Meta:
        template = "courses/blocks/handout_content_block.html"


class HandoutBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=150)
    content = HandoutContentBlock()

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/handout_block.html"
        description = _("A worksheet or sheet a learner can take home")
        preview_value = {
            "title": "My recovery map",
            "content": [("writing_space", {"prompt": "What gives me hope?", "lines": 4})],
        }


class SessionBodyBlock(blocks.StreamBlock):
    activity = ActivityBlock(group=_("Session plan"))
    content_note = ContentNoteBlock(group=_("Session plan"))
    handout = HandoutBlock(group=_("Handouts"))
