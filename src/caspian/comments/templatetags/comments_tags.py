from django import template
from django.utils.safestring import mark_safe

from .. import text, tokens

register = template.Library()


@register.simple_tag
def form_secrets():
    """Where a comment form's CSRF and form tokens go; filled in per reader on the way out."""
    return mark_safe(tokens.PLACEHOLDER)


@register.filter
def quoted(value):
    """Plain text quoted email-style (``> `` before each line), so a reader's text can't pose as ours."""
    return "\n".join(f"> {line}".rstrip() for line in value.splitlines())


@register.filter
def comment_text(value):
    """A comment's plain text as safe HTML: escaped, paragraphs kept, bare links made safe links."""
    return text.render(value)
