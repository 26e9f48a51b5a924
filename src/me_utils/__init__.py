"""Gender-equality M&E workbench for Son La (me_utils)."""

from importlib.metadata import PackageNotFoundError, version

try:
    # One version number: pyproject.toml's, as installed (shown in every report's footer).
    __version__ = version("me_utils")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
