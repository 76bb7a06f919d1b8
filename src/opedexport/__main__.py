"""``python -m opedexport`` runs the command line."""

from .cli import run

raise SystemExit(run())
