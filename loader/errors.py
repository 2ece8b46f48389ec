"""The one exception type whose message a user can act on."""


class MeetingsError(Exception):
    """A problem the user can fix; the CLI prints its one-line message without a traceback."""


class FileChanged(MeetingsError):
    """An export changed between being inspected and landed: it is still being written."""
