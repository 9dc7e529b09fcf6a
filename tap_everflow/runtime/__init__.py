"""The plumbing a sync runs on, knowing nothing of streams.

Settings, request pacing and prefetch, paging, record output (as lines or in
batch files), what is logged, key redaction and memory use.
"""
