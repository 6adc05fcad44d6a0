"""Model providers: the one factory for chat models and embeddings, and each backend behind it."""
