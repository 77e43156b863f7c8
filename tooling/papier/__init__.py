"""papier: docs-as-code for position papers and potential analyses."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``papier.__version__``, read from the installed metadata when first asked for (loading
    importlib.metadata costs every command's start-up ~15 ms otherwise)."""
    if name != "__version__":
        raise AttributeError(f"module 'papier' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - see above

    try:
        found = version("papier")
    except PackageNotFoundError:  # running from a source tree without install
        found = "0.0.0+src"
    globals()["__version__"] = found
    return found
