"""``python -m arazzo_runner`` is the ``arazzo`` command."""

from .cli import script

raise SystemExit(script())
