"""Retrieve: hybrid search (BM25 and dense), filters, and the fitted passage order."""
