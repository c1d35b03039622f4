"""Launchers for the embedded default services (MongoDB-wire server, redis-server)."""
