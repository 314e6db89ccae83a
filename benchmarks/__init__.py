"""Performance benchmarks of arazzo-runner: ``python -m benchmarks`` (docs/performance.md)."""
