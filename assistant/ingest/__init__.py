"""Ingest: find files, extract their text per page, clean it, chunk it with line spans, and write it to the store."""
