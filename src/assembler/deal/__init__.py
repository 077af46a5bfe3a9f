"""Layer 3: the deal sheet: its schema, loading and checking, starters, packs made from a CSV."""
