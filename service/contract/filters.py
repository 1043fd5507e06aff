"""How a value is written into a Meilisearch filter over the index.

Every filter we send quotes its values here, so nothing a user types can change the structure
of a filter expression.
"""

from __future__ import annotations


def quote_value(value: str) -> str:
    """A Meilisearch filter string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
