"""``python -m ism_advisor`` runs the ``ism-advise`` command."""

from .cli import main

if __name__ == "__main__":
    main()
