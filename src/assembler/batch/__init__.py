"""Layer 9: many deal sheets on a process pool."""
