"""Test doubles: a scripted OpenAI-compatible server, a network guard, in-memory ports."""
