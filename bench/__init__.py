"""Benchmarks (not tests): corpus generator, search and HTTP latency/throughput runs.

A benchmark is a program like the app: it loads the composition root (`tradehub`, which wires
the feature packages in layer order) before any feature package, as `flask --app tradehub` does.
"""

import tradehub  # noqa: F401
