"""Batch runs: read question files, answer them with workers, write each result as it is done."""
