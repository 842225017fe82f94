"""margin's data core: annotations, their durable store and exchange formats.

Pure Python: nothing here imports the reader, Textual or Rich.
"""

__version__ = "0.1.0"
