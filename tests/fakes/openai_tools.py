"""The tool schema the scripted-server tests bind, as the agent's ``search_material`` tool is bound."""

from __future__ import annotations

from typing import Any

SEARCH_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "search_material",
        "description": "Search the course material.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}, "k": {"type": "integer", "default": 5}},
            "required": ["query"],
        },
    },
}
