"""The SDK methods the tap overrides or calls though the SDK does not offer them.

Private methods, and ``Tap.sync_all`` (marked final), may change in any SDK
release. Each is kept only where no public hook does the job, for the reason
below. ``tests/test_sdk_private.py`` fails when the SDK's signature of one
changes, or when the tap overrides a private SDK method not listed here.

Overridden for speed, both in ``streams/windowed.py``. CPU seconds of a sync of
200,000 impressions from the simulator (RECORD lines to a file, mean of two
runs): 3.6 as the tap is; 4.4 with the SDK's ``_write_record_message``; 5.4 with
both of the SDK's.

- ``Stream._write_record_message``: writes a record straight as a RECORD line
  (:mod:`tap_everflow.runtime.record_lines`), byte for byte the SDK writer's,
  where no stream map alters records; the SDK builds a message object per record
  and passes it through its writer's layers.
- ``Stream._generate_record_messages``: RECORD messages for stream maps without
  the SDK's walk of every record against the selection mask and the schema's
  types (records are built with the declared types and without deselected
  properties); their ``time_extracted`` is the window's, as on the lines.

Overridden for what the user sees, in ``tap.py``:

- ``PluginBase._validate_config``: the SDK's check quotes offending values
  (which could print the key) and logs each failure three times; the tap's says
  each mistake in one line, once, and fills defaults from the schema.
- ``Tap.sync_all``: wrapped unchanged, the one place that holds both every
  stream's failure and the tap's state: a failure ends with one line, a last
  STATE and exit code 1 (overriding ``invoke`` instead would copy the CLI setup).
- ``Tap._handle_termination`` (SIGTERM, SIGINT): the SDK's exits 0, as if the
  sync had finished; the tap's exits 130 or 143. With ``batch_config`` it
  writes no last STATE, which would cover records gathered for a batch file
  not yet written; the STATE after the last BATCH message stands.

Called, not overridden: ``RESTStream._request`` (``streams/base.py``), the
SDK's one try of a request (authenticate, send, log its duration, validate),
as the SDK's own ``request_records`` calls it, inside ``request_decorator``.
"""

from __future__ import annotations

from singer_sdk import Stream, Tap
from singer_sdk.plugin_base import PluginBase
from singer_sdk.streams import RESTStream

# The SDK's signature of each, as ``str(inspect.signature(...))`` gives it.
SIGNATURES: dict[tuple[type, str], str] = {
    (Stream, "_write_record_message"): "(self, record: 'types.Record') -> 'None'",
    (Stream, "_generate_record_messages"): (
        "(self, record: 'types.Record') "
        "-> 't.Generator[singer.RecordMessage, None, None]'"
    ),
    (PluginBase, "_validate_config"): (
        "(self, *, raise_errors: 'bool' = True) -> 'list[str]'"
    ),
    (Tap, "sync_all"): "(self) -> 'None'",
    (Tap, "_handle_termination"): (
        "(self, signum: 'int', frame: 'FrameType | None') -> 'None'"
    ),
    (RESTStream, "_request"): (
        "(self, prepared_request: 'requests.PreparedRequest', "
        "context: 'Context | None') -> 'requests.Response'"
    ),
}
