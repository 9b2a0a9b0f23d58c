from django import template

from .. import text

register = template.Library()


@register.filter
def quoted(value):
    """Plain text quoted email-style (``> `` before each line), so a reader's text can't pose as ours."""
    return "\n".join(f"> {line}".rstrip() for line in value.splitlines())


@register.filter
def comment_text(value):
    """A comment's plain text as safe HTML: escaped, paragraphs kept, bare links made safe links."""
    return text.render(value)
