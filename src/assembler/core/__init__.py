"""Layer 0: errors and diagnostics, files and atomic writes, the build cache, optional extras."""
