"""A warm process for one store: `assistant serve` keeps the models and the store open, and `assistant ask` hands it
the question over a Unix socket instead of loading everything again (most of a fresh `ask` is imports)."""
