"""Layer 8: deeds of variation: the deed's plan, amendments, and the conformed copy."""
