"""The offline local tutor model: embedding-routed tools and extractive, cited answers."""
