"""Layer 1: the sandboxed Jinja environment clause text renders in, and defined-term checks."""
