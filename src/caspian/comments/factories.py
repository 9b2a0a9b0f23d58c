"""Comments for tests and the demo. Traits: ``approved``, ``held`` (the default), ``spam``, ``trashed``."""

import factory
from django.utils import timezone

from .models import Comment, Status


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment on ``article=`` (required); ``parent=`` makes it a reply."""

    class Meta:
        model = Comment

    class Params:
        approved = factory.Trait(status=Status.APPROVED)
        held = factory.Trait(status=Status.PENDING)
        spam = factory.Trait(status=Status.SPAM, reason="The spam check called it spam.")
        trashed = factory.Trait(status=Status.TRASH)

    article = None
    parent = None
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.LazyAttribute(lambda c: f"{c.author_name.lower().replace(' ', '.')}@example.org")
    body = factory.Sequence(lambda n: f"Comment number {n}: a thoughtful reply to the article.")
    status = Status.PENDING
    created_at = factory.LazyFunction(timezone.now)
    ip_address = "203.0.113.10"
