"""margin's reader: documents, the cleaner, the command line and the Textual app."""

from annotations import __version__

__all__ = ["__version__"]
