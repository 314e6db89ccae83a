"""The options of one ``arazzo run``, decided in one place.

Precedence, lowest first: the engine's defaults, the configuration file
(:mod:`.config`), the command line. Every mode (a run, ``--inputs-each``,
``--dry-run``) gets the same complete :class:`~arazzo_runner.engine.RunOptions`.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from ..errors import UsageError
from .args import check_distinct_reports

if TYPE_CHECKING:
    from ..api import LoadedArazzo
    from ..document import ArazzoDocument
    from ..engine import RunOptions
    from ..http.auth import Credentials
    from ..http.response_checks import ResponseChecker
    from ..masking import SecretMasker
    from .config import RunConfig
    from .console import Console

T = TypeVar("T")


def check_combinations(args: argparse.Namespace) -> None:
    """Options that are each well-formed but do not go together."""
    if args.concurrency is not None and args.inputs_each is None:
        raise UsageError("--concurrency only applies with --inputs-each")
    if args.report and args.dry_run:
        raise UsageError(
            "--report needs a run: --dry-run sends nothing, so there is nothing to report",
            hint="drop --report, or drop --dry-run to run the workflow",
        )
    if args.inputs_each is None:
        for spec in args.report:
            if spec.per_run:
                raise UsageError(
                    f"--report {spec.kind}: '{{line}}' in {spec.path.name} names one report "
                    "per line of --inputs-each, and there is no --inputs-each",
                )
    check_distinct_reports(args.report)


def run_options(
    args: argparse.Namespace,
    config: RunConfig,
    document: ArazzoDocument,
    credentials: Credentials,
) -> RunOptions:
    """The run's options: defaults < configuration file < command line."""
    from ..engine import RunOptions

    defaults = RunOptions()
    return RunOptions(
        server_overrides=server_overrides(args.server, config, document),
        timeout=_chosen(defaults.timeout, config.timeout, args.timeout),
        connect_timeout=_chosen(
            defaults.connect_timeout, config.connect_timeout, args.connect_timeout
        ),
        max_step_executions=_chosen(defaults.max_step_executions, config.max_steps, args.max_steps),
        max_duration=_chosen(defaults.max_duration, config.max_duration, args.max_duration),
        max_nesting=_chosen(defaults.max_nesting, config.max_nesting, args.max_nesting),
        step_concurrency=_chosen(
            defaults.step_concurrency, config.step_concurrency, args.step_concurrency
        ),
        max_response_bytes=_chosen(
            defaults.max_response_bytes, config.max_response_size, args.max_response_size
        ),
        # A flag on the command line can only turn these on; the file may too.
        follow_redirects=args.follow_redirects or bool(config.follow_redirects),
        max_redirects=_chosen(defaults.max_redirects, config.max_redirects, args.max_redirects),
        response_checks=response_checker(args, config),
        credentials=credentials,
    )


def _chosen(default: T, *settings: T | None) -> T:
    """The setting of highest precedence that is given (they come lowest first), or ``default``."""
    return next((s for s in reversed(settings) if s is not None), default)


def server_overrides(
    flags: Sequence[tuple[str, str]], config: RunConfig, document: ArazzoDocument
) -> dict[str, str]:
    """Source name -> base URL: the configuration file's, then ``--server`` (which wins)."""
    # One configuration file may serve several documents: servers for sources
    # this document does not have are not an error.
    # A qualified name (`billing.invoices`) belongs here when its first part does.
    configured = {
        name: url for name, url in config.servers.items() if document.source(name.split(".", 1)[0])
    }
    return {**configured, **dict(flags)}


def response_checker(args: argparse.Namespace, config: RunConfig) -> ResponseChecker | None:
    """Check severities: defaults < configuration file < ``--no-checks`` < ``--check``."""
    from ..http.response_checks import CheckSeverity, ResponseChecker, default_severities

    severities = {**default_severities(), **config.checks}
    if args.no_checks or config.no_checks:
        severities = dict.fromkeys(severities, CheckSeverity.OFF)
    severities.update(args.check)
    checker = ResponseChecker(severities)
    return checker if checker.enabled else None


def credentials(
    pairs: Sequence[tuple[str, str]], environ: Mapping[str, str], masker: SecretMasker
) -> Credentials:
    """``--auth`` values over ``ARAZZO_AUTH_*`` variables; ``masker`` learns every one."""
    from ..http.auth import ENV_PREFIX, Credentials

    variables = {name: value for name, value in environ.items() if name.startswith(ENV_PREFIX)}
    found = Credentials(dict(pairs), variables, on_secret=masker.add)
    masker.add(found.secrets())
    return found


def check_auth_schemes(pairs: Sequence[tuple[str, str]], loaded: LoadedArazzo) -> None:
    """Every ``--auth`` scheme must be one the document's OpenAPI descriptions define."""
    from ..http.auth import check_scheme_names

    sources = loaded.document.source_descriptions
    if not pairs or any(source.type == "arazzo" for source in sources):
        # Schemes of descriptions reached through other Arazzo documents are not
        # known before the run reaches them: checking would refuse good names.
        return
    known = [
        name
        for source in sources
        for name in (
            loaded.sources.asyncapi(source)
            if source.type == "asyncapi"
            else loaded.sources.openapi(source)
        ).security_schemes()
    ]
    check_scheme_names([name for name, _ in pairs], known)


def announce_config(config: RunConfig, console: Console, verbose: bool) -> None:
    """With ``-v``, say which configuration file was read (on stderr: stdout may be JSON)."""
    if verbose:
        where = str(config.path) if config.path is not None else "none found"
        print(f"configuration file: {where}", file=console.stderr)
