"""Evidence: the sentences an answer may rest on, planted text set aside, and short-answer spans."""
