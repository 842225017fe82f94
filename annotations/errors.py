"""Errors the data core raises for the user to read: one line each, saying what and where."""


class MarginError(Exception):
    """A problem the user can act on. ``str(err)`` is the whole message."""


class DatabaseError(MarginError):
    """The database file cannot be used as it is (broken, from the future, not a file)."""


class ReadOnlyError(MarginError):
    """A write was asked of a store opened read-only (usually: another instance holds the lock)."""


class ImportFormatError(MarginError):
    """A file to import is malformed; the message names the line or item."""


class SaveDeferred(DatabaseError):
    """The disk refused a write; the change is kept in memory and written when the disk takes it."""


class NotFound(MarginError):
    """What the user named (an annotation id, a document, a format) does not exist here."""


class EditRefused(MarginError):
    """An edit the rules do not allow: a duplicate, another annotator's passage, an empty span."""
