"""What a record is, and how an answer becomes one.

Schemas from Everflow's documentation (`schemas`, docs/api.md#records), conforming
answers to them by
proto3 rules (`proto3`), and the fast typed path (`typed_rows`).
"""
