"""Chat-model providers: OpenAI-compatible endpoints and the offline local tutor model."""
