"""Pure planning: which requests cover a time range, from counts or from answers.

No I/O and no imports from the rest of the tap (a test checks): the API's
limits and formats (`limits`), reading count tables (`counts`), packing counted
buckets into windows (`planner`), the walk without counts (`walk`, sized by
`pace`) and progress lines (`progress`).
"""
