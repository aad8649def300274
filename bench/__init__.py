"""Benchmarks (not tests): corpus generator, search and HTTP latency/throughput runs."""
