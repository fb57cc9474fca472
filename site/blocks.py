"""Blocks for the site's own pages (home and standard pages)."""

from wagtail import blocks


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        preview_value = "How the courses work"
        description = "A section heading"
        form_classname = "title"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    link_text = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock()

    class Meta:
        icon = "link"
        template = "blocks/call_to_action_block.html"
        preview_value = {
            "text": "Every course is free to read and download.",
            "link_text": "See the courses",
        }
        description = "A short line of text with a clear link to a page"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul"],
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        preview_value="<p>Courses written by people who know what recovery takes.</p>",
        description="Text with simple formatting",
    )
    call_to_action = CallToActionBlock()
