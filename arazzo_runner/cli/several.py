"""``arazzo run --all`` and repeated ``--workflow``: several workflows, one after another.

Each workflow gets the inputs it declares, from the same ``--input``, ``--inputs``
and environment; every workflow's inputs are checked before the first request,
so a missing input of the last workflow does not stop the run after the first
has changed something. The workflows run in the order given (document order for
``--all``), each to its end even when an earlier one failed, like tests; the
exit code is 0 only when all succeeded.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import EXIT_OK, EXIT_WORKFLOW_FAILED, InputError, UsageError, did_you_mean

if TYPE_CHECKING:
    from ..api import LoadedArazzo
    from ..document import Workflow
    from ..engine import RunOptions
    from ..masking import SecretMasker
    from .console import Console


def chosen_workflow_ids(args: argparse.Namespace, loaded: LoadedArazzo) -> list[str | None]:
    """The workflows to run: ``[None]`` for "the only one", else their ids in order."""
    named: list[str] = list(args.workflow or [])
    if args.all:
        if named:
            raise UsageError("--all runs every workflow; leave out --workflow, or --all")
        return [workflow.workflow_id for workflow in loaded.workflows]
    repeated = sorted({name for name in named if named.count(name) > 1})
    if repeated:
        raise UsageError(
            f"--workflow {repeated[0]} is given more than once",
            hint="each named workflow runs once, in the order given",
        )
    return [*named] if named else [None]


def check_several(args: argparse.Namespace) -> None:
    """Options that apply to one workflow's run only."""
    if args.inputs_each is not None:
        raise UsageError("--inputs-each runs one workflow; name one with --workflow")
    if args.report:
        raise UsageError(
            "--report writes the report of one workflow; run each workflow with its own "
            "--workflow and --report"
        )


@dataclass(frozen=True)
class _Planned:
    workflow: Workflow
    inputs: dict[str, Any]


def plan_inputs(
    loaded: LoadedArazzo,
    ids: list[str],
    console: Console,
    args: argparse.Namespace,
    masker: SecretMasker,
) -> list[_Planned]:
    """Each workflow with the inputs it declares, all checked before anything is sent."""
    from ..engine import explain_missing_inputs
    from ..engine.inputs import inputs_from_environment
    from .inputs import read_inputs_file, typed_inputs
    from .session import learn_secret_inputs

    workflows = [loaded.workflow(workflow_id) for workflow_id in ids]
    _refuse_undeclared(set(args.secret_input), workflows, "--secret-input ")
    for workflow in workflows:
        # Before any value is converted: a conversion error may quote a secret.
        own = [name for name in args.secret_input if name in workflow.input_properties]
        learn_secret_inputs(
            argparse.Namespace(**{**vars(args), "secret_input": own}), workflow, masker
        )
    given = read_inputs_file(args.inputs, console.stdin) if args.inputs is not None else {}
    names = {*given, *(name for name, _ in args.input)}
    _refuse_undeclared(names, workflows, "")
    planned = []
    for workflow in workflows:
        declared = workflow.input_properties
        # A workflow that declares no inputs takes whatever is given, as in a single run.
        wanted = declared or {*given, *(name for name, _ in args.input)}
        inputs: dict[str, Any] = inputs_from_environment(workflow, console.environ)
        inputs.update({k: v for k, v in given.items() if k in wanted})
        inputs.update(typed_inputs([p for p in args.input if p[0] in wanted], workflow))
        with explain_missing_inputs(workflow, inputs):
            try:
                loaded.prepare_inputs(workflow, loaded.document, inputs)
            except InputError as exc:
                message = f"workflow '{workflow.workflow_id}': {exc.message}"
                raise InputError(message, location=exc.location, hint=exc.hint) from None
        planned.append(_Planned(workflow, inputs))
    return planned


def _refuse_undeclared(names: set[str], workflows: list[Workflow], option: str) -> None:

    if any(not w.input_properties for w in workflows):
        return  # a workflow without declared inputs accepts any name
    known = sorted({name for w in workflows for name in w.input_properties})
    for name in sorted(names):
        if name not in known:
            close = did_you_mean(name, known)
            hint = f"did you mean '{close}'?" if close else f"their inputs: {', '.join(known)}"
            message = f"{option}no workflow being run has an input named '{name}'"
            raise InputError(message, hint=hint)


def run_several(
    loaded: LoadedArazzo,
    planned: list[_Planned],
    options: RunOptions,
    args: argparse.Namespace,
    console: Console,
    masker: SecretMasker,
) -> int:
    """Run (or with ``--dry-run`` plan) each workflow in turn; 0 only if all succeeded."""
    from .session import RunSession

    for item in planned:  # every workflow's secrets are masked in every workflow's output
        masker.add_workflow_inputs(item.workflow, item.inputs)
    if args.dry_run:
        return _plan_several(loaded, planned, options, args.output, console)
    results = []
    for number, item in enumerate(planned, start=1):
        if args.output == "text":
            title = f"[{number}/{len(planned)}] workflow {item.workflow.workflow_id}"
            print(title, file=console.stdout, flush=True)
        session = RunSession.start(args, console, masker, loaded.sources)
        result = loaded.run(
            item.workflow.workflow_id, item.inputs, listener=session.listener(), options=options
        )
        results.append(result)
        if args.output == "text":
            session.finish(result)  # its result, as a run of that workflow alone prints it
            print(file=console.stdout)
    succeeded = all(result.succeeded for result in results)
    if args.output == "json":
        console.print_json(
            {
                "succeeded": succeeded,
                "workflows": [masker.mask_value(result.to_json()) for result in results],
            }
        )
    else:
        passed = sum(1 for result in results if result.succeeded)
        print(f"{passed} of {len(results)} workflows succeeded", file=console.stdout)
    return EXIT_OK if succeeded else EXIT_WORKFLOW_FAILED


def _plan_several(
    loaded: LoadedArazzo,
    planned: list[_Planned],
    options: RunOptions,
    output: str,
    console: Console,
) -> int:
    from ..dry_run import plan_run
    from ..reporting.describe import render_plan

    plans = [
        plan_run(loaded, item.workflow.workflow_id, item.inputs, options=options).to_json()
        for item in planned
    ]
    if output == "json":
        console.print_json({"workflows": plans})
    else:
        for plan in plans:
            render_plan(plan, console.stdout)
            print(file=console.stdout)
    return EXIT_OK
