"""Comments' scheduled jobs, registered with :mod:`caspian.background` from ``CommentsConfig.ready()``."""

from .. import background
from .tasks import purge_ip_addresses

# Hourly, so commenters' addresses are forgotten within an hour of
# COMMENTS_IP_RETENTION_DAYS.
background.hourly(purge_ip_addresses)
