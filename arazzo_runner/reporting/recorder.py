"""Records what reports need while a run goes: every HTTP exchange and when workflows ran."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..engine import RunListener

if TYPE_CHECKING:
    from ..document import Workflow
    from ..http.messages import Exchange
    from ..results import WorkflowResult


@dataclass(frozen=True)
class Timing:
    started: datetime
    duration_ms: float


class RunRecorder(RunListener):
    """Keeps every exchange (retries included) and the start and duration of each workflow run."""

    wants_exchanges = True
    """The engine builds exchange records only for listeners that want them."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.started: datetime | None = None
        self._open: list[tuple[datetime, float]] = []
        self._timings: dict[int, Timing] = {}
        self._results: list[WorkflowResult] = []  # keeps the ids of _timings valid

    def workflow_started(self, workflow: Workflow, inputs: Mapping[str, Any]) -> None:
        now = datetime.now(UTC)
        if self.started is None:
            self.started = now
        self._open.append((now, time.perf_counter()))

    def exchange(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    def workflow_finished(self, result: WorkflowResult) -> None:
        if not self._open:  # pragma: no cover - events always pair up
            return
        started, counter = self._open.pop()
        timing = Timing(started, (time.perf_counter() - counter) * 1000)
        self._timings[id(result)] = timing
        self._results.append(result)

    def timing(self, result: WorkflowResult) -> Timing | None:
        """When a workflow run (the top one or a nested one) started, and how long it took."""
        return self._timings.get(id(result))
