"""Layer 8: the build pipeline end to end (deal sheet -> plan -> render -> package), on which
variation and batch build; :mod:`assembler.api` is the facade a user imports."""
