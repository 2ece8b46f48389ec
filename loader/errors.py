"""The one exception type whose message a user can act on."""


class MeetingsError(Exception):
    """A problem the user can fix; the CLI prints its one-line message without a traceback."""


class FileChanged(MeetingsError):
    """An export changed between being inspected and landed: it is still being written."""


class LoadNotFinished(MeetingsError):
    """An export's rows were committed but not yet numbered; the next `meetings load`
    finishes it. Not a problem with the file: never recorded as a rejection."""
