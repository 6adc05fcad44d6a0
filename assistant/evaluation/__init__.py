"""Evaluation suites: cases, metrics and gates, the LLM judge, and reports."""
