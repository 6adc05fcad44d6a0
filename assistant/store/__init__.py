"""The store: chunk vectors in Chroma, documents, chunks and the BM25 index in SQLite beside it."""
