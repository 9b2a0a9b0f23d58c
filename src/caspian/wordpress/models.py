"""Where imported objects came from, so a second import of the same export finds them again."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Kind(models.TextChoices):
    """What an object was in WordPress."""

    POST = "post", "Post"
    PAGE = "page", "Page"
    ATTACHMENT = "attachment", "Attachment"
    AUTHOR = "author", "Author"
    CATEGORY = "category", "Category"
    TAG = "post_tag", "Tag"
    COMMENT = "comment", "Comment"


class ImportedObject(models.Model):
    """One Caspian object made from one WordPress object, and a checksum of what it was made from.

    Keyed on the exporting site's address, the kind and the WordPress id:
    the post, attachment or comment number; an author's login; a term's
    slug (what the export itself refers to them by). The checksum tells a
    re-import whether the object would come out the same (then it is left
    alone, with any edits made in Caspian since) or must be updated.
    """

    site_url = models.CharField(
        max_length=255, help_text="The WordPress site the export came from: its address without http(s)."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    wp_id = models.CharField("WordPress id", max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    checksum = models.CharField(max_length=64)
    imported_at = models.DateTimeField()

    class Meta:
        verbose_name = "imported WordPress object"
        constraints = [
            models.UniqueConstraint(fields=["site_url", "kind", "wp_id"], name="wordpress_unique_source"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="wordpress_target_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.wp_id} from {self.site_url}"
