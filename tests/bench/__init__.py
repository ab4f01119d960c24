"""Benchmarks: search latency and index build time, printed rather than asserted."""
