"""papier: docs-as-code for position papers and potential analyses."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("papier")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"
