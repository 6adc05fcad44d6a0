"""What is asked: a question's key terms, phrases and kind of answer, and follow-ups made standalone."""
