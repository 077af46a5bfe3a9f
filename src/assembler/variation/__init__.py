"""Layer 9: deeds of variation: the deed's plan, amendments, and the conformed copy."""
