"""``python -m arazzo_runner`` is the ``arazzo`` command."""

from .cli import main

raise SystemExit(main())
