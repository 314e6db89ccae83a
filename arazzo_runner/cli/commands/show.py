"""``arazzo show``: what a workflow needs and does, or its control flow as a Mermaid graph."""

from __future__ import annotations

import argparse
import json
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from ...errors import EXIT_OK
from . import add_document_arguments, load_for_inspection, note_unresolved, unresolved_json

if TYPE_CHECKING:
    from ...document import Step, Workflow
    from ..console import Console

NAME = "show"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "show",
        help="describe a workflow: inputs, steps, outputs, or a graph",
        description="Describe one workflow of an Arazzo document: its inputs, steps and "
        "outputs, and a command line that runs it. With --graph, print its control flow "
        "as a Mermaid flowchart instead.",
        epilog="exit codes: 0 shown, 2 the document could not be read or has no such workflow",
    )
    add_document_arguments(
        parser, "text (default) or json (with --graph: the Mermaid text in a 'mermaid' field)"
    )
    parser.add_argument(
        "--workflow", "-w", metavar="ID", help="workflowId to show (optional if there is only one)"
    )
    parser.add_argument(
        "--graph",
        action="store_true",
        help="print a Mermaid flowchart of the workflow's steps, actions and calls",
    )


def execute(args: argparse.Namespace, console: Console) -> int:
    from ...reporting.mermaid import workflow_mermaid

    loaded, unresolved = load_for_inspection(args)
    workflow = loaded.workflow(args.workflow)
    if args.graph:
        mermaid = workflow_mermaid(workflow)
        if args.output == "json":
            console.print_json(
                {
                    "workflowId": workflow.workflow_id,
                    "mermaid": mermaid,
                    "unresolved": unresolved_json(unresolved),
                }
            )
        else:
            console.stdout.write(mermaid)
            note_unresolved(unresolved, console)
        return EXIT_OK
    description = describe_workflow(workflow, args.file)
    if args.output == "json":
        console.print_json({**description, "unresolved": unresolved_json(unresolved)})
    else:
        print_description(description, console.stdout)
        note_unresolved(unresolved, console)
    return EXIT_OK


# --------------------------------------------------------------------------- describing


def describe_workflow(workflow: Workflow, file: str) -> dict[str, Any]:
    from ...reporting.describe import expression_text

    inputs = describe_inputs(workflow)
    return {
        "workflowId": workflow.workflow_id,
        "summary": workflow.summary,
        "description": workflow.description,
        "dependsOn": list(workflow.depends_on),
        "inputs": inputs,
        "steps": [describe_step(workflow, step) for step in workflow.steps],
        "outputs": {name: expression_text(value) for name, value in workflow.outputs.items()},
        "example": example_command(file, workflow.workflow_id, inputs),
    }


def describe_inputs(workflow: Workflow) -> list[dict[str, Any]]:
    """Each declared input: name, type, whether it is required, default and description.

    The schema is the model's ``input_schema``, whose ``$ref``s (to
    ``components.inputs``) are already followed.
    """

    schema = workflow.input_schema if isinstance(workflow.input_schema, dict) else {}
    required = schema.get("required")
    required = required if isinstance(required, list) else []
    described = []
    for name, spec in workflow.input_properties.items():
        spec = spec if isinstance(spec, dict) else {}
        entry: dict[str, Any] = {
            "name": name,
            "type": schema_type(spec),
            "required": name in required,
            "description": spec.get("description"),
        }
        if "default" in spec:
            entry["default"] = spec["default"]
        for extra in ("format", "enum"):
            if extra in spec:
                entry[extra] = spec[extra]
        described.append(entry)
    return described


def schema_type(spec: dict[str, Any]) -> str:
    declared = spec.get("type")
    if isinstance(declared, list):
        return "|".join(str(t) for t in declared)
    if declared == "array" and isinstance(spec.get("items"), dict) and "type" in spec["items"]:
        return f"array of {spec['items']['type']}"
    if isinstance(declared, str):
        return declared
    if "enum" in spec:
        return "enum"
    return "any"


def describe_step(workflow: Workflow, step: Step) -> dict[str, Any]:
    from ...document import effective_actions
    from ...reporting.describe import action_json, criterion_json, expression_text

    data: dict[str, Any] = {"stepId": step.step_id, "description": step.description}
    if step.workflow_id is not None:
        data["workflowId"] = step.workflow_id
    elif step.operation_id is not None:
        data["operationId"] = step.operation_id
    elif step.channel_path is not None:
        data["channelPath"] = step.channel_path
    else:
        data["operationPath"] = step.operation_path
    if step.action is not None:
        data["action"] = step.action  # an AsyncAPI step: send or receive a message
    data["successCriteria"] = [criterion_json(c) for c in step.success_criteria]
    data["onSuccess"] = [
        action_json(a) for a in effective_actions(workflow.success_actions, step.on_success)
    ]
    data["onFailure"] = [
        action_json(a) for a in effective_actions(workflow.failure_actions, step.on_failure)
    ]
    data["outputs"] = {name: expression_text(value) for name, value in step.outputs.items()}
    return data


def example_command(file: str, workflow_id: str, inputs: list[dict[str, Any]]) -> str:
    """An ``arazzo run`` command line with every required input (placeholders for values)."""
    words = ["arazzo", "run", file, "--workflow", workflow_id]
    for entry in inputs:
        if entry["required"] and "default" not in entry:
            words += ["--input", f"{entry['name']}={_placeholder(entry)}"]
    return " ".join(shlex.quote(word) for word in words)


def _placeholder(entry: dict[str, Any]) -> str:
    enum = entry.get("enum")
    if isinstance(enum, list) and enum:
        return json.dumps(enum[0]) if not isinstance(enum[0], str) else enum[0]
    return f"<{entry['type']}>"


# --------------------------------------------------------------------------- text output


def print_description(description: dict[str, Any], stream: TextIO) -> None:
    from ...reporting.describe import describe_action, describe_criterion, one_line, show_value

    def line(text: str = "") -> None:
        print(text.rstrip(), file=stream)

    line(f"workflow {description['workflowId']}")
    for field in ("summary", "description"):
        if description[field]:
            line(f"  {one_line(description[field])}")
    if description["dependsOn"]:
        line(f"  runs first (dependsOn): {', '.join(description['dependsOn'])}")
    line()
    _print_inputs(description["inputs"], line)
    line()
    line("steps:")
    for number, step in enumerate(description["steps"], start=1):
        line(f"  {number}. {step['stepId']}  ({_calls(step)})")
        if step["description"]:
            line(f"     {one_line(step['description'])}")
        for criterion in step["successCriteria"]:
            line(f"     success:   {describe_criterion(criterion)}")
        for action in step["onSuccess"]:
            line(f"     onSuccess: {describe_action(action)}")
        for action in step["onFailure"]:
            line(f"     onFailure: {describe_action(action)}")
        if step["outputs"]:
            line(f"     outputs:   {', '.join(step['outputs'])}")
    if description["outputs"]:
        line()
        line("outputs:")
        for name, value in description["outputs"].items():
            line(f"  {name}: {show_value(value)}")
    line()
    line("run it:")
    line(f"  {description['example']}")
    line("  (inputs may also come from --inputs FILE.json or ARAZZO_INPUT_<name> variables)")


def _print_inputs(inputs: list[dict[str, Any]], line: Callable[..., None]) -> None:
    from ...reporting.describe import one_line

    if not inputs:
        line("inputs: none")
        return
    line("inputs:")
    header = ("NAME", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION")
    rows = [
        (
            entry["name"],
            entry["type"],
            "yes" if entry["required"] else "no",
            json.dumps(entry["default"], default=str) if "default" in entry else "",
            one_line(entry["description"] or ""),
        )
        for entry in inputs
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        line("  " + "  ".join([*cells, row[4]]))


def _calls(step: dict[str, Any]) -> str:
    if "workflowId" in step:
        return f"calls workflow {step['workflowId']}"
    what = f"{step['action']} message" if "action" in step else "operation"
    if "operationId" in step:
        return f"{what} {step['operationId']}"
    if "channelPath" in step:
        return f"{what} {step['channelPath']}"
    return f"{what} {step['operationPath']}"
