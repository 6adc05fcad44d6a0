"""assistant: questions and summaries over a folder of documents, every sentence cited and checked."""

__version__ = "0.3.0"
