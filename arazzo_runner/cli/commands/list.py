"""``arazzo list``: the workflows of a document, with their summaries."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from ...errors import EXIT_OK
from . import add_document_arguments, load_for_inspection, note_unresolved, unresolved_json

if TYPE_CHECKING:
    from ...document import Workflow
    from ..console import Console

NAME = "list"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "list",
        help="list the workflows of a document",
        description="List the workflows of an Arazzo document with their summaries.",
        epilog="exit codes: 0 listed, 2 the document could not be read",
    )
    add_document_arguments(parser, "text (default): a table; json: one JSON document")


def execute(args: argparse.Namespace, console: Console) -> int:
    # Warnings are for `arazzo validate`; listing stays quiet.
    loaded, unresolved = load_for_inspection(args)
    entries = [workflow_entry(workflow) for workflow in loaded.workflows]
    if args.output == "json":
        console.print_json(
            {"file": args.file, "workflows": entries, "unresolved": unresolved_json(unresolved)}
        )
    else:
        print_table(entries, console.stdout)
        note_unresolved(unresolved, console)
    return EXIT_OK


def workflow_entry(workflow: Workflow) -> dict[str, Any]:

    schema = workflow.input_schema if isinstance(workflow.input_schema, dict) else {}
    required = schema.get("required")
    return {
        "workflowId": workflow.workflow_id,
        "summary": workflow.summary,
        "description": workflow.description,
        "steps": len(workflow.steps),
        "inputs": list(workflow.input_properties),
        "requiredInputs": [n for n in required if isinstance(n, str)]
        if isinstance(required, list)
        else [],
        "dependsOn": list(workflow.depends_on),
    }


def print_table(entries: list[dict[str, Any]], stream: TextIO) -> None:
    from ...reporting.describe import one_line

    header = ("WORKFLOW", "STEPS", "SUMMARY")
    rows = [
        (entry["workflowId"], str(entry["steps"]), one_line(entry["summary"] or ""))
        for entry in entries
    ]
    width = max(len(header[0]), *(len(row[0]) for row in rows))
    for workflow_id, steps, summary in [header, *rows]:
        print(f"{workflow_id:<{width}}  {steps:>5}  {summary}".rstrip(), file=stream)
