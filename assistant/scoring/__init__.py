"""Fitted scorers: the small models that score passages, sentences, spans and answerability, and their weights."""
