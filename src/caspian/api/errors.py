"""What a client got wrong: raised anywhere in the API, answered ``400`` with the message (see :mod:`.api`)."""


class BadRequest(ValueError):
    """Something in the request the API cannot read (a filter, a cursor): its message says what to send instead."""
