"""SQLite connections kept open between requests, and given up when their file is replaced or gone.

Opening the database file and running its PRAGMAs cost a millisecond of
every request, so connections are kept (``CONN_MAX_AGE``, as for
PostgreSQL). But an open connection holds on to the file it opened: after a
restore from a backup, a move, or a disk taken away, it would go on
reading, and writing readers' comments, into a file nobody will see again.
So each connection notes which file it opened (device and inode), and at
the start of every request a connection whose path no longer names that
file is closed: the request opens the file that is there now, or meets the
outage (:mod:`caspian.errors`) if there is none.
"""

import os

from django.core.signals import request_started
from django.db import connections
from django.db.backends.signals import connection_created


def _identity(path):
    """(device, inode) of the file at ``path``; ``None`` when there is no file there."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return (found.st_dev, found.st_ino) if os.path.isfile(path) else None


def _watched(connection):
    return connection.vendor == "sqlite" and not connection.is_in_memory_db()


def _connected(sender, connection, **kwargs):
    if _watched(connection):
        connection.caspian_file = _identity(connection.settings_dict["NAME"])


def _check_files(sender, **kwargs):
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or not _watched(connection):
            continue
        opened = getattr(connection, "caspian_file", None)
        if opened is None or _identity(connection.settings_dict["NAME"]) != opened:
            connection.close()


connection_created.connect(_connected, dispatch_uid="caspian-sqlite-file-opened")
request_started.connect(_check_files, dispatch_uid="caspian-sqlite-file-checked")
