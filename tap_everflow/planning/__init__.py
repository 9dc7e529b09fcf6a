"""Pure planning: which requests cover a time range, from counts or from answers.

No I/O and no imports from the rest of the tap (a test checks): the API's
limits and formats (`limits`), requests and answers (`slices`), the range a
run reads (`sync_range`), request bodies (`window_body`),
reading count tables (`counts`), packing counted buckets into windows
(`planner`), the walk without counts (`walk`), what an overflowing answer shows
whichever rows it kept (`shape`), the days before as a forecast (`season`),
splitting one second by dimension (`split`) and progress lines (`progress`).
"""
