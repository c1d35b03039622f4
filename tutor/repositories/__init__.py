"""One repository per collection."""
