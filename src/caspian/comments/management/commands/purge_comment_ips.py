from django.conf import settings
from django.core.management.base import BaseCommand

from ...moderation import purge_ip_addresses


class Command(BaseCommand):
    help = (
        "Forget the IP address and browser of comments older than COMMENTS_IP_RETENTION_DAYS. "
        "`caspian worker` runs this every hour; run it by hand if you have no worker."
    )

    def handle(self, *args, **options):
        count = purge_ip_addresses()
        days = settings.COMMENTS_IP_RETENTION_DAYS
        self.stdout.write(f"Forgot the IP address of {count} comment{'s' if count != 1 else ''} over {days} days old.")
