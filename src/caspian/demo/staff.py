"""Demo staff: one login per newsroom role, to try review and moderation on the demo.

A contributor writes and submits, a reporter looks after their own stories,
an editor reviews, publishes and schedules, a moderator looks after readers'
comments. The groups come from the migration ``newsroom.0006_roles_and_review``.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from ..newsroom.models import AuthorPage

STAFF_EMAIL_DOMAIN = "caspian-times.example"

# The writers' logins belong to two of the demo's journalists: their new
# articles start with that byline.
STAFF_AUTHORS = {"contributor": "elvin-mammadli", "reporter": "nino-kapanadze"}

# username: the group it belongs to
STAFF = {
    "contributor": "Contributor",
    "reporter": "Reporter",
    "editor": "Editor",
    "moderator": "Moderator",
}


@transaction.atomic
def ensure_staff():
    """Create the demo staff accounts that do not exist yet, each with a new random password.

    Returns ``(username, group name, password)`` for each account created,
    so the caller can show the passwords once; accounts that exist are left
    as they are (and their passwords are not known here).
    """
    User = get_user_model()
    created = []
    for username, group_name in STAFF.items():
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username=username,
            email=f"{username}@{STAFF_EMAIL_DOMAIN}",  # for the review workflow's emails (the console, in the demo)
            password=password,
            first_name="Demo",
            last_name=group_name.lower(),
        )
        user.groups.add(Group.objects.get(name=group_name))
        if username in STAFF_AUTHORS:
            AuthorPage.objects.filter(slug=STAFF_AUTHORS[username], user=None).update(user=user)
        created.append((username, group_name, password))
    return created
