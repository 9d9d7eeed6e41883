"""The one error the devstack reports as a message rather than a traceback."""


class DevstackError(Exception):
    """Something the user can fix (a busy port, a missing package); the text says how."""
