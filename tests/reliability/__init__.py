"""Reliability and security tests (issue 8).

Offline guarantee, hostile documents, store and library integrity, two copies
at once, interrupted imports and hostile queries: each scenario runs on real
stores, real files, real processes and real Qt widgets. Only operating-system
failures (a full disk, a permission error) are simulated, by monkeypatching.
"""
