"""Layer 2: the clause bank as a project: discovery, clauses and versions, fragments, outlines, house style, the law register, bank operations."""
