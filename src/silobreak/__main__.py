"""``python -m silobreak``."""

from silobreak.cli import main

main()
