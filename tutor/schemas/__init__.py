"""Domain models: request shapes (strict, unknown fields rejected) and stored-document helpers."""
