"""Background work for comments (django-tasks: a thread in the demo, `caspian worker` in production)."""

from django.core.mail import EmailMessage
from django_tasks import task

from . import moderation, spam
from .models import Comment


@task()
def check_spam(comment_id):
    """Ask the remote spam service about a stored comment and apply its answer."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None:
        return
    try:
        verdict = spam.get_backend().check(comment)
    except Exception as error:  # any failure: the comment waits for a moderator  # noqa: BLE001
        moderation.apply_verdict(comment, error=error)
    else:
        moderation.apply_verdict(comment, verdict)


@task()
def report_to_spam_service(comment_id, status):
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is not None:
        verdict = spam.Verdict.SPAM if status == "spam" else spam.Verdict.HAM
        spam.get_backend().report(comment, verdict)


@task()
def send_email(to, subject, body, headers=None):
    """Send one plain-text email, built already (no database access here)."""
    EmailMessage(subject=subject, body=body, to=to, headers=headers or {}).send()


@task()
def purge_ip_addresses():
    return moderation.purge_ip_addresses()
