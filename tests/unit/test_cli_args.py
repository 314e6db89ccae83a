"""The argparse types of the CLI: what each option accepts and how a bad value is reported."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from arazzo_runner.cli.args import (
    AUTH,
    INPUT,
    PairKind,
    byte_size,
    check_distinct_reports,
    check_severity,
    is_http_url,
    key_value,
    parse_size,
    positive_seconds,
    report_target,
    server_override,
    split_pair,
    whole_number,
)
from arazzo_runner.errors import UsageError
from arazzo_runner.http.response_checks import CheckSeverity


def usage_error(parse: object, text: str) -> UsageError:
    assert callable(parse)
    with pytest.raises(UsageError) as raised:
        parse(text)
    return raised.value


def test_an_input_splits_at_the_first_equals_sign_and_may_be_empty() -> None:
    parse = key_value(INPUT)
    assert parse("id=a=b=c") == ("id", "a=b=c")
    assert parse(" id =") == ("id", "")
    error = usage_error(parse, "novalue")
    assert error.message == "--input expects NAME=VALUE, got 'novalue'"
    assert error.hint == "for example: --input sessionId=abc123"
    assert usage_error(parse, "=x").message == "--input expects NAME=VALUE, got '=x'"


def test_a_credential_is_never_echoed() -> None:
    parse = key_value(AUTH)
    assert parse("basicAuth=user:pa=ss") == ("basicAuth", "user:pa=ss")
    error = usage_error(parse, "s3cr3t-token-without-a-name")
    assert error.message == "--auth expects SCHEME=VALUE (one of them is not of that form)"
    assert "s3cr3t" not in error.message + str(error.hint)
    empty = usage_error(parse, "apiKey=")
    assert empty.message == "--auth expects SCHEME=VALUE (the value for 'apiKey' is empty)"


def test_a_kind_without_example_has_no_hint() -> None:
    error = usage_error(key_value(PairKind("--arazzo-server", "SOURCE=URL")), "x")
    assert error.message == "--arazzo-server expects SOURCE=URL, got 'x'"
    assert error.hint is None
    assert split_pair(" api = http://h ", PairKind("--x", "A=B")) == ("api", " http://h ")


def test_a_server_needs_an_http_url_or_a_broker_url() -> None:
    assert server_override("api=https://h/base") == ("api", "https://h/base")
    assert server_override("events=mqtt://h:1883") == ("events", "mqtt://h:1883")
    assert server_override("events=amqps://u:p@h/vhost")[1] == "amqps://u:p@h/vhost"
    error = usage_error(server_override, "api=ftp://h")
    assert (
        error.message == "--server api: 'ftp://h' is not an http(s) URL or a message broker's URL"
    )
    assert usage_error(server_override, "events=mqtt://").message.startswith("--server events:")
    assert usage_error(server_override, "api").hint == (
        "for example: --server sessionsApi=http://127.0.0.1:8080/api"
    )
    assert not is_http_url("http://[::1")  # unreadable, not a crash
    assert not is_http_url(8080)
    assert is_http_url("http://127.0.0.1:8080")


def test_a_check_names_a_known_check_and_severity() -> None:
    assert check_severity(" body-schema = ERROR") == ("body-schema", CheckSeverity.ERROR)
    error = usage_error(check_severity, "body-schema")
    assert error.message == "--check expects NAME=SEVERITY, got 'body-schema'"
    assert str(error.hint).startswith("for example: --check body-schema=error; checks: ")
    assert usage_error(check_severity, "nope=warn").message == "--check: unknown check 'nope'"


def test_a_report_names_a_kind_and_a_writable_file(tmp_path: Path) -> None:
    spec = report_target(f"JUnit={tmp_path / 'out.xml'}")
    assert (spec.kind, spec.path) == ("junit", tmp_path / "out.xml")
    assert usage_error(report_target, "pdf=x.pdf").message == "--report: unknown report kind 'pdf'"
    missing = usage_error(report_target, f"json={tmp_path / 'no' / 'r.json'}")
    assert missing.message.endswith("does not exist")
    assert usage_error(report_target, f"json={tmp_path}").message.endswith("it is a directory")
    same = [report_target(f"json={tmp_path / 'r'}"), report_target(f"har={tmp_path / 'r'}")]
    with pytest.raises(UsageError, match="named by more than one report"):
        check_distinct_reports(same)


def test_numbers_keep_the_messages_users_know() -> None:
    timeout = positive_seconds("--timeout")
    assert timeout("2.5") == 2.5
    assert usage_error(timeout, "0").message == "--timeout must be a positive number of seconds"
    assert usage_error(timeout, "nan").message == "--timeout must be a positive number of seconds"
    with pytest.raises(argparse.ArgumentTypeError, match="invalid float value: 'soon'"):
        timeout("soon")
    steps = whole_number("--max-steps", 1)
    assert steps("3") == 3
    assert usage_error(steps, "0").message == "--max-steps must be at least 1"
    assert usage_error(whole_number("--max-redirects", 0), "-1").message == (
        "--max-redirects must be 0 or more"
    )
    with pytest.raises(argparse.ArgumentTypeError, match=r"invalid int value: '1\.5'"):
        steps("1.5")


@pytest.mark.parametrize(
    ("text", "size"),
    [("1048576", 1048576), ("512KB", 512_000), ("10MiB", 10 * 1024**2), ("1g", 10**9)],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_bad_sizes() -> None:
    parse = byte_size("--max-response-size")
    assert usage_error(parse, "lots").message == (
        "--max-response-size: 'lots' is not a size (examples: 1048576, 512KB, 10MiB, 1G)"
    )
    assert usage_error(parse, "0").message == "--max-response-size: '0' is not a positive size"
    assert usage_error(parse, "9" * 400).message.endswith("is not a positive size")


def test_the_parser_stops_at_the_first_bad_option() -> None:
    from arazzo_runner.cli import build_parser

    with pytest.raises(UsageError, match="--server api: 'nope' is not an http"):
        build_parser().parse_args(["run", "f.yaml", "--server", "api=nope"])
    with pytest.raises(UsageError, match="argument --timeout: invalid float value: 'x'"):
        build_parser().parse_args(["run", "f.yaml", "--timeout", "x"])
    args = build_parser().parse_args(["run", "f.yaml", "-i", "a=1", "--max-response-size", "1K"])
    assert args.input == [("a", "1")]
    assert args.max_response_size == 1000
