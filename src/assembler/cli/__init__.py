"""Layer 11: the command line, a thin layer over assembler.api."""
