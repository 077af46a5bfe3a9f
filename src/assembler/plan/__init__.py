"""Layer 4: the plan: which clause version fills each slot of the outline, and why."""
