"""The records Everflow sends, field by field, as JSON schemas.

One module per family of streams, as :mod:`tap_everflow.streams` has them; the
field helpers are in :mod:`.fields`. Each record follows Everflow's
documentation as ``docs/api.md#records`` gathers it (the section is named on
each): every documented field under its API name and documented type, ids
integer except the documented string ids, money ``number``, epoch times
integer. Comments name the documentation a reading comes from by the tags B,
D, G, M, O, T and Y, defined in ``docs/api.md#sources``.
"""
