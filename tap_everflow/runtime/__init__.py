"""The plumbing a sync runs on, knowing nothing of streams.

Settings, request pacing and prefetch, paging, record output, key redaction
and memory use.
"""
