"""Reading settings from the environment, with explicit defaults and clear errors."""

import os
import re
import urllib.parse

from django.core.exceptions import ImproperlyConfigured


class SettingError(ImproperlyConfigured):
    """An environment variable holds a value Casebook cannot use. The message names the
    variable; ``manage.py`` and gunicorn print it as one line, without a traceback."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingError(f"{name} must be an integer, got {raw!r}") from exc


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """One of ``choices``, matched without regard to case ("warning" is WARNING)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    for choice in choices:
        if raw.upper() == choice.upper():
            return choice
    raise SettingError(f"{name} must be one of {', '.join(choices)}; got {raw!r}")


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str) -> str:
    """Return a variable that production cannot run without, failing loudly when absent."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise SettingError(f"The environment variable {name} must be set in production.")
    return value


def env_url(name: str, schemes: set[str], default: str = "") -> str:
    """A URL whose scheme is one of ``schemes`` and that names a host (or a socket path)."""
    raw = os.environ.get(name, default).strip()
    if raw:
        _check_url(name, raw, schemes)
    return raw


def _check_url(name: str, raw: str, schemes: set[str]) -> None:
    parts = urllib.parse.urlsplit(raw)
    if parts.scheme not in schemes:
        wanted = ", ".join(f"{scheme}://" for scheme in sorted(schemes))
        raise SettingError(f"{name} must start with one of {wanted}; got {parts.scheme or raw!r}")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise SettingError(f"{name} has a port that is not a number") from None
    if not parts.hostname and not (parts.scheme == "unix" and parts.path):
        raise SettingError(f"{name} must name a host, e.g. {sorted(schemes)[0]}://host:port")


def env_url_list(name: str, schemes: set[str]) -> str:
    """A comma-separated list of URLs (the nodes of a cluster), each checked as ``env_url``."""
    raw = os.environ.get(name, "").strip()
    for part in (p.strip() for p in raw.split(",")):
        if part:
            _check_url(name, part, schemes)
    return raw


def url_with_query(url: str, **defaults: str) -> str:
    """``url`` with ``defaults`` added to its query where it does not set them already."""
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    return parts._replace(query=urllib.parse.urlencode({**defaults, **query})).geturl()


def env_database(name: str, default: str, conn_max_age: int) -> dict:
    """Django's DATABASES entry from a database URL, with an error that names ``name``."""
    import dj_database_url

    raw = os.environ.get(name, default).strip() or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=conn_max_age, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        schemes = "postgres://user:password@host:5432/name or sqlite:///path"
        raise SettingError(f"{name} is not a database URL Casebook understands ({schemes})") from (
            exc
        )
    if not config.get("NAME"):
        raise SettingError(f"{name} must name a database, e.g. postgres://user@host:5432/casebook")
    return config


# S3 bucket names: 3-63 characters of lower-case letters, digits, dots and hyphens.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def env_bucket(name: str) -> str:
    raw = os.environ.get(name, "").strip()
    if raw and not _BUCKET.match(raw):
        raise SettingError(
            f"{name} is not a valid bucket name: 3-63 lower-case letters, digits, dots or hyphens"
        )
    return raw
