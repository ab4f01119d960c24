"""Search quality tests: the evaluation set scored against the real store, and a baseline."""
