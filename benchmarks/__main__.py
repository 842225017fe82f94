"""``python -m benchmarks`` runs every benchmark."""

from benchmarks.run import main

main()
