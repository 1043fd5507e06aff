"""The Pathways search API and web pages."""

from importlib.metadata import version

# pyproject.toml holds the version; the installed package's metadata is read from it.
__version__ = version("pathways")
