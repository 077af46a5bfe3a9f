"""Layer 12: the command line, one module per command group, each loaded when its command runs;
a thin layer over :mod:`assembler.api` (layer 11)."""
