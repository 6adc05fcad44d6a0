"""Words: stop words, stems, names and numbers, shared by every stage that reads text."""
