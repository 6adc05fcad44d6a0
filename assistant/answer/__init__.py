"""Answers and summaries: compose from evidence, decide to answer or decline, check each sentence, cite."""
