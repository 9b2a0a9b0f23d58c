"""The accounts app's scheduled jobs, registered with :mod:`caspian.background` from ``AccountsConfig.ready()``."""

from .. import background
from .tasks import forget_old_sign_in_records

background.hourly(forget_old_sign_in_records)
