"""Errors a user can cause and fix.  The CLI prints them as one line, no traceback."""


class UserError(Exception):
    """A mistake or a condition the user can act on; `exit_code` is the process status."""

    exit_code = 1
    label = "error: "  # how the CLI introduces the message


class UsageError(UserError):
    """A bad option or config value (exit status 2, like argparse)."""

    exit_code = 2


class DataError(UserError):
    """MNIST files missing, damaged or not what they claim to be."""

    exit_code = 1
