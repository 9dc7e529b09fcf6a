"""What tests, benchmarks and the demo drive the tap with.

An Everflow simulator (`harness.simulator`), a throwaway PostgreSQL
(`harness.postgres`) and the real `meltano run` pipeline (`harness.pipeline`).
Nothing here is shipped with the tap; `tests/` and `scripts/` both import it.
"""
