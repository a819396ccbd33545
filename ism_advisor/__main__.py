"""``python -m ism_advisor`` runs the ``ism-advise`` command."""

from .cli import main

main()
