"""``python -m reader`` is the ``margin`` command."""

from reader.cli import main

if __name__ == "__main__":
    main()
