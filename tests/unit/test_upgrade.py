"""``arazzo_runner.upgrade``: what is rewritten, byte for byte, and what is refused, where."""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from textwrap import dedent

import pytest
import yaml

from arazzo_runner.upgrade import Outcome, Upgrade, upgrade_file, write_atomically
from tests._support.documents import openapi_for

OPENAPI = openapi_for(
    [("login", "POST", "/token"), ("getItem", "GET", "/items/{id}"), ("list", "GET", "/items")]
)

HEAD = """\
arazzo: 1.0.1
info: {title: t, version: '1'}
sourceDescriptions:
  - {name: api, url: api.yaml, type: openapi}
"""


def _write(directory: Path, text: str, name: str = "flow.arazzo.yaml") -> Path:
    (directory / "api.yaml").write_text(yaml.safe_dump(OPENAPI))
    path = directory / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _upgrade(directory: Path, text: str) -> Upgrade:
    return upgrade_file(str(_write(directory, text)))


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def _refusals(result: Upgrade) -> list[tuple[str | None, int | None, int | None]]:
    assert result.outcome is Outcome.REFUSED
    assert result.upgraded is None
    return [
        (p.rule, p.location.line if p.location else None, p.location.column if p.location else None)
        for p in result.problems
    ]


# --------------------------------------------------------------------------- rewrites

# The first line ends in spaces, which must stay.
COMMENTED = (
    "# The pet flow, as published.   \n"
    + """\
arazzo: "1.0.1"   # the version

info:
  title: 'Pets'     # single quotes stay
  version: "1"
sourceDescriptions:
- name: api
  url: ./api.yaml
  type: openapi


workflows:
  - workflowId: getOne   # a comment after an id
    steps:
      - stepId: login
        operationId: login
        outputs: {token: $response.body#/token}
      - stepId: get
        operationId: getItem
        parameters:
          - {name: id, in: path, value: "{$steps.login.outputs.token}"}
        successCriteria:
          - condition: $statusCode == 200
"""
)


def test_only_the_version_changes_and_everything_else_stays(tmp_path: Path) -> None:
    result = _upgrade(tmp_path, COMMENTED)
    assert result.outcome is Outcome.UPGRADED
    assert result.version == "1.0.1"
    assert _changed_lines(COMMENTED, result.text) == [
        ('arazzo: "1.0.1"   # the version', 'arazzo: "1.1.0"   # the version')
    ]
    assert result.upgraded == result.text.encode()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("arazzo: 1.0.0", "arazzo: 1.1.0"),
        ("arazzo: '1.0.1'", "arazzo: '1.1.0'"),
        ("arazzo:    1.0.1  # spaced", "arazzo:    1.1.0  # spaced"),
        ("arazzo: 1.0.1-rc1", "arazzo: 1.1.0"),
        ("arazzo: !!str 1.0.1", "arazzo: !!str 1.1.0"),
    ],
)
def test_the_version_keeps_its_quoting_and_spacing(
    tmp_path: Path, written: str, expected: str
) -> None:
    text = HEAD.replace("arazzo: 1.0.1", written) + dedent("""\
        workflows:
          - workflowId: w
            steps:
              - {stepId: s, operationId: list}
        """)
    result = _upgrade(tmp_path, text)
    assert result.outcome is Outcome.UPGRADED, result.problems
    assert _changed_lines(text, result.text) == [(written, expected)]


def test_a_json_document_stays_json_with_its_indentation(tmp_path: Path) -> None:
    text = (
        '{\n\t"info": {"title": "t", "version": "1"},\n\t"arazzo" :  "1.0.1",\n'
        '\t"sourceDescriptions": [{"name": "api", "url": "api.yaml", "type": "openapi"}],\n'
        '\t"workflows": [{"workflowId": "w", "steps": [\n'
        '\t\t{"stepId": "s", "operationId": "list", "description": "arazzo 1.0.1"}]}]\n}\n'
    )
    result = _upgrade(tmp_path, text)
    assert result.outcome is Outcome.UPGRADED, result.problems
    assert result.text == text.replace('"arazzo" :  "1.0.1"', '"arazzo" :  "1.1.0"')


def test_line_endings_and_the_byte_order_mark_stay(tmp_path: Path) -> None:
    text = COMMENTED.replace("\n", "\r\n")
    path = tmp_path / "flow.arazzo.yaml"
    (tmp_path / "api.yaml").write_text(yaml.safe_dump(OPENAPI))
    path.write_bytes(codecs.BOM_UTF8 + text.encode())
    result = upgrade_file(str(path))
    assert result.outcome is Outcome.UPGRADED, result.problems
    expected = codecs.BOM_UTF8 + text.replace('"1.0.1"', '"1.1.0"', 1).encode()
    assert result.upgraded == expected


def test_an_earlier_steps_outputs_and_a_steps_own_outputs_after_its_request_are_kept(
    tmp_path: Path,
) -> None:
    text = HEAD + dedent("""\
        workflows:
          - workflowId: w
            steps:
              - stepId: first
                operationId: list
                outputs: {count: $response.body#/count}
              - stepId: second
                operationId: list
                successCriteria:
                  - condition: $steps.second.outputs.count > $steps.first.outputs.count
                outputs: {count: $response.body#/count, previous: $steps.first.outputs.count}
        """)
    assert _upgrade(tmp_path, text).outcome is Outcome.UPGRADED


def test_a_document_already_at_1_1_is_left_alone(tmp_path: Path) -> None:
    text = HEAD.replace("1.0.1", "1.1.0") + "workflows: []\n"
    result = _upgrade(tmp_path, text)
    assert (result.outcome, result.version, result.upgraded) == (
        Outcome.ALREADY_1_1,
        "1.1.0",
        None,
    )


# --------------------------------------------------------------------------- refusals


def test_a_document_that_does_not_validate_is_refused_with_its_errors(tmp_path: Path) -> None:
    text = HEAD + dedent("""\
        workflows:
          - workflowId: w
            steps:
              - stepId: s
                operationId: list
                successCriteria:
                  - condition: $statusCode ==
        """)
    result = _upgrade(tmp_path, text)
    assert result.outcome is Outcome.REFUSED
    assert [p.location.line for p in result.problems if p.location] == [11]
    assert "expected an operand" in result.problems[0].message


def test_unreadable_yaml_is_refused_with_where(tmp_path: Path) -> None:
    result = _upgrade(tmp_path, "arazzo: 1.0.1\ninfo: [\n")
    assert result.outcome is Outcome.REFUSED
    assert result.problems[0].location is not None
    assert result.problems[0].location.line is not None


GOTO_LOOP = (
    HEAD
    + """\
workflows:
  - workflowId: poll
    steps:
      - stepId: check
        operationId: getItem
        parameters:
          - name: id
            in: path
            value: $steps.wait.outputs.next
      - stepId: wait
        operationId: list
        outputs: {next: $response.body#/next}
        onSuccess:
          - {name: again, type: goto, stepId: check, criteria: [{condition: $statusCode == 202}]}
"""
)


def test_a_reference_to_a_later_step_in_a_goto_loop_is_refused(tmp_path: Path) -> None:
    result = _upgrade(tmp_path, GOTO_LOOP)
    assert _refusals(result) == [("upgrade-forward-reference", 13, 20)]
    problem = result.problems[0]
    assert "$steps.wait.outputs.next" in problem.message
    assert "runs 'wait' before 'check'" in problem.message
    assert problem.hint is not None and "move it before 'check'" in problem.hint


def test_a_later_step_named_in_criteria_or_embedded_in_a_body_is_refused(
    tmp_path: Path,
) -> None:
    text = HEAD + dedent("""\
        workflows:
          - workflowId: w
            steps:
              - stepId: first
                operationId: login
                requestBody:
                  payload:
                    note: "seen {$steps.last.outputs.n} times"
                onFailure:
                  - name: retry
                    type: retry
                    criteria: [{condition: $steps.last.outputs.n < 3}]
              - stepId: last
                operationId: list
                outputs: {n: $response.body#/n}
        """)
    assert _refusals(_upgrade(tmp_path, text)) == [
        ("upgrade-forward-reference", 12, 19),
        ("upgrade-forward-reference", 16, 36),
    ]


def test_a_step_sending_its_own_outputs_is_refused(tmp_path: Path) -> None:
    text = HEAD + dedent("""\
        workflows:
          - workflowId: pages
            steps:
              - stepId: page
                operationId: list
                parameters:
                  - {name: cursor, in: query, value: $steps.page.outputs.next}
                outputs: {next: $response.body#/next}
                onSuccess:
                  - name: more
                    type: goto
                    stepId: page
                    criteria: [{condition: $statusCode == 206}]
        """)
    result = _upgrade(tmp_path, text)
    assert _refusals(result) == [("upgrade-self-reference", 11, 46)]
    assert "never be met" in result.problems[0].message


def test_a_literal_brace_dollar_in_a_condition_is_refused_by_validation(tmp_path: Path) -> None:
    text = HEAD + dedent("""\
        workflows:
          - workflowId: w
            steps:
              - stepId: s
                operationId: list
                successCriteria:
                  - {context: $response.body, condition: '^x{$', type: regex}
        """)
    result = _upgrade(tmp_path, text)
    assert _refusals(result) == [("invalid-criterion", 11, 53)]
    assert "'{$' opens an embedded expression" in result.problems[0].message


@pytest.mark.parametrize(
    ("condition", "kind"),
    [
        ("'^({$inputs.pattern})$'", "regex"),
        ("'$[?@.id == \"{$inputs.pattern}\"]'", "jsonpath"),
        ("'//item[@id = \"{$inputs.pattern}\"]'", "{type: xpath, version: xpath-10}"),
        ("'^\\{\\$ref\\}$'", "regex"),
    ],
)
def test_embedded_expressions_in_conditions_are_read_alike_and_upgraded(
    tmp_path: Path, condition: str, kind: str
) -> None:
    text = HEAD + dedent(f"""\
        workflows:
          - workflowId: w
            inputs: {{type: object, properties: {{pattern: {{type: string}}}}}}
            steps:
              - stepId: s
                operationId: list
                successCriteria:
                  - context: $response.body
                    condition: {condition}
                    type: {kind}
        """)
    result = _upgrade(tmp_path, text)
    assert result.outcome is Outcome.UPGRADED, result.problems


def test_literal_objects_shaped_like_selector_objects_are_refused(tmp_path: Path) -> None:
    text = HEAD + dedent("""\
        workflows:
          - workflowId: w
            steps:
              - stepId: s
                operationId: login
                parameters:
                  - name: X-Shape
                    in: header
                    value: {context: a, selector: b, type: jsonpath}
                  - reference: $components.parameters.shaped
                requestBody:
                  payload:
                    items:
                      - {context: $inputs.x, selector: /a, type: jsonpointer, extra: 1}
                    plain: {context: kept, selector: kept}
                  replacements:
                    - target: /plain
                      value: {context: c, selector: $.a, type: jsonpath}
        components:
          parameters:
            shaped:
              name: q
              in: query
              value: {context: c, selector: s, type: xpath}
        """)
    assert _refusals(_upgrade(tmp_path, text)) == [
        ("upgrade-selector-shape", 13, 20),
        ("upgrade-selector-shape", 18, 17),
        ("upgrade-selector-shape", 22, 22),
        ("upgrade-selector-shape", 28, 14),
    ]


def test_ids_and_input_names_outside_the_1_1_identifiers_are_refused(tmp_path: Path) -> None:
    text = HEAD + dedent("""\
        workflows:
          - workflowId: get.pets
            inputs:
              type: object
              properties:
                first name: {type: string}
                ok.name: {type: string}
            steps:
              - stepId: step one
                operationId: list
        """)
    result = _upgrade(tmp_path, text)
    assert _refusals(result) == [
        ("upgrade-identifier", 6, 17),
        ("upgrade-identifier", 10, 9),
        ("upgrade-identifier", 13, 17),
    ]
    assert "workflowId 'get.pets'" in result.problems[0].message


def test_every_refusal_is_reported_at_once(tmp_path: Path) -> None:
    text = GOTO_LOOP.replace("workflowId: poll", "workflowId: poll!")
    assert [rule for rule, _, _ in _refusals(_upgrade(tmp_path, text))] == [
        "upgrade-identifier",
        "upgrade-forward-reference",
    ]


# --------------------------------------------------------------------------- writing


def test_write_atomically_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_atomically(str(path), b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["flow.yaml"]


def test_write_atomically_follows_a_symbolic_link(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_bytes(b"old")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    write_atomically(str(link), b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_a_failed_write_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "flow.yaml"
    path.write_bytes(b"old")

    def fail(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space"):
        write_atomically(str(path), b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["flow.yaml"]


def test_a_version_whose_anchor_is_used_elsewhere_is_not_edited(tmp_path: Path) -> None:
    # Rewriting the anchored value would change info.version too: the result is checked.
    text = HEAD.replace("arazzo: 1.0.1", "arazzo: &v 1.0.1").replace(
        "version: '1'", "version: *v"
    ) + dedent("""\
        workflows:
          - workflowId: w
            steps:
              - {stepId: s, operationId: list}
        """)
    result = _upgrade(tmp_path, text)
    assert _refusals(result) == [("upgrade-version", 1, 9)]
    assert "could not be rewritten in place" in result.problems[0].message


def test_a_version_other_than_1_0_or_1_1_is_refused_by_validation(tmp_path: Path) -> None:
    result = _upgrade(tmp_path, HEAD.replace("1.0.1", "1.2.0") + "workflows: []\n")
    assert result.outcome is Outcome.REFUSED
    assert "1.2.0" in result.problems[0].message
