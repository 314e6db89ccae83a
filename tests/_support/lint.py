"""A small, clean Arazzo document and its OpenAPI description, and ways to break them."""

from __future__ import annotations

from pathlib import Path

from arazzo_runner.diagnostics import Diagnostic, Diagnostics
from arazzo_runner.validation import validate_document

OPENAPI = """\
openapi: 3.1.0
info: {title: Pets, version: "1"}
servers: [{url: "https://pets.example"}]
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses: {"200": {description: ok}}
  /pets:
    post:
      operationId: addPet
      parameters:
        - {name: X-Tenant, in: header, required: true, schema: {type: string}}
        - {name: Content-Type, in: header, required: true, schema: {type: string}}
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"201": {description: created}}
  /broken:
    get:
      operationId: broken
      parameters:
        - $ref: '#/components/parameters/Missing'
      responses: {"200": {description: ok}}
components: {}
"""

ASYNCAPI = """\
asyncapi: 3.0.0
info: {title: Events, version: "1"}
servers:
  broker: {host: "127.0.0.1:1883", protocol: mqtt}
channels:
  petAdded:
    address: 'pets/{petId}/added'
    parameters: {petId: {}}
    messages:
      added:
        correlationId: {location: '$message.header#/requestId'}
        headers: {type: object, properties: {requestId: {type: string}}}
        payload: {type: object, properties: {name: {type: string}}}
  plain:
    address: pets/plain
    messages:
      note: {payload: {type: string}}
operations:
  onPetAdded: {action: send, channel: {$ref: '#/channels/petAdded'}}
  notePlain: {action: receive, channel: {$ref: '#/channels/plain'}}
"""

CLEAN = """\
arazzo: 1.0.1
info:
  title: Pets
  version: 1.0.0
sourceDescriptions:
  - name: pets
    url: pets.openapi.yaml
    type: openapi
workflows:
  - workflowId: adopt
    inputs:
      type: object
      properties:
        petId: {type: string}
        tenant: {type: string}
    steps:
      - stepId: find
        operationId: getPet
        parameters:
          - name: petId
            in: path
            value: $inputs.petId
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          name: $response.body#/name
      - stepId: add
        operationId: addPet
        parameters:
          - name: X-Tenant
            in: header
            value: $inputs.tenant
        requestBody:
          contentType: application/json
          payload:
            name: $steps.find.outputs.name
    outputs:
      name: $steps.find.outputs.name
"""


def write_project(
    directory: Path, document: str, openapi: str = OPENAPI, asyncapi: str = ASYNCAPI
) -> Path:
    (directory / "pets.openapi.yaml").write_text(openapi, encoding="utf-8")
    (directory / "events.asyncapi.yaml").write_text(asyncapi, encoding="utf-8")
    path = directory / "doc.arazzo.yaml"
    path.write_text(document, encoding="utf-8")
    return path


def validate_text(
    directory: Path, document: str, openapi: str = OPENAPI, asyncapi: str = ASYNCAPI
) -> list[Diagnostic]:
    path = write_project(directory, document, openapi, asyncapi)
    diagnostics = Diagnostics()
    validate_document(str(path), diagnostics, offline=True)
    return list(diagnostics)


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of the ``occurrence``-th ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column
