"""The newsroom's scheduled jobs, registered with :mod:`caspian.background` from ``NewsroomConfig.ready()``."""

from .. import background
from .tasks import optimize_database, publish_scheduled

# Every round, so a publish-at or expire-at time is carried out within one
# interval of the scheduler.
background.every_round("publishing", publish_scheduled.call)
background.hourly(optimize_database)
