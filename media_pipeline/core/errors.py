"""Errors the media core raises. Django-free: stdlib only."""


class MediaRejected(Exception):
    """The input cannot be accepted; ``reason`` is safe to show the uploader.

    The reason never contains bytes or values from the input file, only a description of what
    is wrong, so it can go into logs, reports and HTTP responses without leaking identifiers.
    """

    def __init__(self, reason: str, *, code: str = "rejected"):
        super().__init__(reason)
        self.reason = reason
        self.code = code


class NeedsReview(Exception):
    """The file may carry identifying text in its pixels and must be seen by a person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def is_stop(exc: BaseException) -> bool:
    """Whether ``exc`` stops the process rather than reporting a failure.

    Native decoders written in Rust raise pyo3's PanicException, which derives from
    BaseException, on input they cannot handle: code that must turn every decoder failure into
    a rejection catches BaseException and re-raises only what this says is a stop.
    """
    return isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit)
