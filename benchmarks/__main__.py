"""``python -m benchmarks [--quick] [--only NAME ...]``: every benchmark, then a table."""

from __future__ import annotations

import sys

from .run import main

sys.exit(main())
