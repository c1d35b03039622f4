"""Password hashing and JWT tokens."""
