"""The media fixtures (a case, its author, isolated storage, an upload helper) for the
operations tests."""

from tests.media_pipeline.conftest import author, case, media_env, upload  # noqa: F401
