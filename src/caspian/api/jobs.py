"""The API's scheduled job, registered with :mod:`caspian.background` from ``ApiConfig.ready()``."""

from .. import background
from .keys import fold_usage

# Every round (a minute or so), so the admin's usage counts are at most that old.
background.every_round("api usage", fold_usage)
