"""One clock for the newsroom: the admin shows and takes times in the publication's time zone.

Wagtail's admin works in each user's chosen time zone (Account › Preferences)
and otherwise in ``settings.TIME_ZONE``, while readers see the publication's
zone: an editor who typed a go-live time of 13:07 saw it go live at 14:07.
So a member of staff who has not chosen a zone gets the publication's when
they sign in (they can still change it), and every date and time field in
the admin says which zone it is in (``wagtailadmin/widgets/datetime_input.html``).
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from wagtail.models import Site
from wagtail.users.models import UserProfile

from .models import PublicationSettings


def give_the_publications_time_zone(sender, request, user, **kwargs):
    """On sign-in: a member of staff with no time zone of their own gets the publication's."""
    if not user.is_staff and not user.has_perm("wagtailadmin.access_admin"):
        return
    profile = UserProfile.get_for_user(user)
    if profile.current_time_zone:
        return
    zone = PublicationSettings.time_zone_of(_site(request)).key
    if zone != settings.TIME_ZONE:
        profile.current_time_zone = zone
        profile.save(update_fields=["current_time_zone"])


def _site(request):
    """The site signed in to; the default site for a sign-in made without a host (a script, a test)."""
    if request is not None and ("HTTP_HOST" in request.META or "SERVER_NAME" in request.META):
        return Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    return Site.objects.filter(is_default_site=True).first()


def connect():
    user_logged_in.connect(give_the_publications_time_zone, dispatch_uid="newsroom-staff-time-zone")
