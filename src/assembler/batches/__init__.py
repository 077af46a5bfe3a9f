"""Layer 10: many deal sheets on a process pool."""
