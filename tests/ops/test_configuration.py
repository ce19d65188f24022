"""A misconfigured service at start-up: one clear line naming the setting, no traceback."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cms.env import (
    SettingError,
    env_bucket,
    env_choice,
    env_database,
    env_url,
    env_url_list,
    url_with_query,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("foo://db/casebook", "not a database URL"),
        ("postgres://user@host:port/casebook", "not a database URL"),
        ("postgres://user@host:5432/", "must name a database"),
    ],
)
def test_bad_database_url(monkeypatch, value, fragment):
    monkeypatch.setenv("DATABASE_URL", value)
    with pytest.raises(SettingError, match=fragment) as caught:
        env_database("DATABASE_URL", "sqlite:///x", conn_max_age=0)
    assert "DATABASE_URL" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("TASKS_REDIS_URL", "http://127.0.0.1:6379", "must start with one of redis://"),
        ("TASKS_REDIS_URL", "redis://127.0.0.1:six/0", "port that is not a number"),
        ("TASKS_REDIS_URL", "redis:///0", "must name a host"),
        ("AWS_S3_ENDPOINT_URL", "127.0.0.1:9000", "must start with one of http://"),
    ],
)
def test_bad_service_urls(monkeypatch, name, value, fragment):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError, match=fragment) as caught:
        env_url(name, {"redis", "rediss", "unix"} if "REDIS" in name else {"http", "https"})
    assert str(caught.value).startswith(name)


def test_a_cluster_url_list_is_checked_node_by_node(monkeypatch):
    monkeypatch.setenv("ELASTICSEARCH_URL", "http://a:9200, http://b:9200")
    assert env_url_list("ELASTICSEARCH_URL", {"http", "https"}) == "http://a:9200, http://b:9200"
    monkeypatch.setenv("ELASTICSEARCH_URL", "http://a:9200,b:9200")
    with pytest.raises(SettingError, match="ELASTICSEARCH_URL must start with"):
        env_url_list("ELASTICSEARCH_URL", {"http", "https"})


LEVELS = ("DEBUG", "INFO", "WARNING")


def test_a_log_level_in_any_case_is_understood(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "warning")
    assert env_choice("LOG_LEVEL", LEVELS, "INFO") == "WARNING"
    monkeypatch.setenv("LOG_LEVEL", "")
    assert env_choice("LOG_LEVEL", LEVELS, "INFO") == "INFO"
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    with pytest.raises(SettingError, match="LOG_LEVEL must be one of DEBUG, INFO, WARNING"):
        env_choice("LOG_LEVEL", LEVELS, "INFO")


@pytest.mark.parametrize("value", ["Casebook_Media", "ab", "bucket_with_underscore", "-bucket"])
def test_bad_bucket_name(monkeypatch, value):
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", value)
    with pytest.raises(SettingError, match="AWS_STORAGE_BUCKET_NAME is not a valid bucket name"):
        env_bucket("AWS_STORAGE_BUCKET_NAME")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TASKS_"))}
    clean.pop("ELASTICSEARCH_URL", None)
    clean.pop("DATABASE_URL", None)
    clean["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_check_services_names_each_unreachable_setting_once(tmp_path):
    port = _closed_port()
    env = {
        "DATABASE_URL": f"postgres://casebook:secret-pw@127.0.0.1:{port}/casebook",
        "ELASTICSEARCH_URL": f"http://127.0.0.1:{port}",
        "AWS_STORAGE_BUCKET_NAME": "casebook",
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "k",
        "AWS_SECRET_ACCESS_KEY": "s",
        "TASKS_REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "CASEBOOK_MEDIA_ROOT": str(tmp_path),
    }
    result = _manage(env, "check_services", "--timeout", "10")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    problems = sorted(line.strip() for line in result.stderr.splitlines() if line.startswith("  "))
    assert [line.split(":")[0] for line in problems] == [
        "AWS_STORAGE_BUCKET_NAME / AWS_S3_ENDPOINT_URL",
        "DATABASE_URL",
        "ELASTICSEARCH_URL",
        "TASKS_REDIS_URL",
    ], result.stderr
    assert "secret-pw" not in result.stderr


@pytest.mark.slow
def test_a_malformed_setting_stops_manage_py_with_one_line():
    result = _manage({"TASKS_REDIS_URL": "http://127.0.0.1:6379"}, "check")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Configuration error: TASKS_REDIS_URL must start with one of redis://, rediss://, "
        "unix://; got 'http'"
    )


@pytest.mark.slow
def test_check_services_passes_when_everything_answers(tmp_path):
    result = _manage({"CASEBOOK_MEDIA_ROOT": str(tmp_path)}, "check_services")
    assert result.returncode == 0, result.stderr
    assert "Every configured service answers." in result.stdout


def test_the_queue_connection_times_out_as_set_unless_the_url_says_otherwise():
    # django-rq hands a URL's query to redis-py and ignores SOCKET_* keys beside a URL.
    from django_rq.connection_utils import get_redis_connection

    def pool_kwargs(url):
        url = url_with_query(url, socket_connect_timeout="2", socket_timeout="5")
        return get_redis_connection({"URL": url}).connection_pool.connection_kwargs

    assert pool_kwargs("redis://127.0.0.1:6379/0")["socket_connect_timeout"] == 2
    assert pool_kwargs("redis://127.0.0.1:6379/0")["socket_timeout"] == 5
    assert pool_kwargs("redis://127.0.0.1:6379/0?socket_timeout=9")["socket_timeout"] == 9
