"""arazzo-runner: a spec-faithful engine for Arazzo 1.0.x workflows.

The package imports nothing heavy at start-up; use :func:`arazzo_runner.api.load`
to read a document and run its workflows.
"""

__version__ = "0.1.0"
