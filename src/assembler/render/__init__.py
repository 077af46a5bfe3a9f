"""Layer 5: rendering the plan into WordprocessingML, and the review exports (Markdown, HTML)."""
