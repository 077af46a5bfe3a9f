"""The side-by-side benchmark of issue 8: run `python benchmarks/run.py`."""
