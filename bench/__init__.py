"""`make bench`: the sync engine against the ways a user would otherwise move the data.

Run as `python -m bench` (BENCH_N records on each side, default 100000). It prints
one `name=value` line per metric, then a summary line.
"""
