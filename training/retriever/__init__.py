"""A dense retriever trained here: all-MiniLM-L6-v2 (the product's embedder) fine-tuned so a quiz question's vector
lies nearer the passage that answers it than the same week's other passages (training/README.md)."""
