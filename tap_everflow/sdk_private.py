"""The SDK's private names the tap uses, though the SDK does not offer them.

Private methods and attributes, classes of the SDK's private modules (their
members included, public-named or not), and ``Tap.sync_all`` (marked final) may
change in any SDK release. Each is kept only where no public hook does the job,
for the reason below. ``tests/test_sdk_private.py`` fails when the SDK changes
the signature of a method or the declaration of an attribute listed here, when
the tap's code uses a private SDK name not listed here (an AST scan of
``tap_everflow``, see ``tests/sdk_names.py``), and when an entry is no longer
used: on an SDK upgrade, this list is the checklist.

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
  It also says first, in one line, which streams are not selected (the SDK's
  line per stream is left to DEBUG: ``runtime/logs.py``).
- ``Tap._handle_termination`` (SIGTERM, SIGINT): the SDK's exits 0, as if the
  sync had finished; the tap's exits 130 or 143. With ``batch_config`` it
  writes no last STATE, which would cover records gathered for a batch file
  not yet written; the STATE after the last BATCH message stands.

Called, not overridden:

- ``RESTStream._request`` (``streams/base.py``), the SDK's one try of a request
  (authenticate, send, log its duration, validate), as the SDK's own
  ``request_records`` calls it, inside ``request_decorator``.
- ``Stream._sync_records`` with ``write_messages=False`` (``streams/base.py``,
  ``get_batches``): the records of a sync, through the SDK's own steps, without
  writing them, so that batch files hold the records RECORD messages would
  carry (the SDK's ``get_batches`` takes them before selection and maps).
- ``Stream._write_activate_version_message`` (``streams/entities.py``): the SDK
  writes ACTIVATE_VERSION only on its own full-table path, after every sync;
  an entity list writes it only when it read the whole list.

Attributes read or set:

- ``Stream._stream_version`` (``streams/entities.py``, ``streams/windowed.py``):
  the version RECORD messages carry. The SDK sets it only on its full-table
  path; entity lists set it as the SDK would (the run's start), so that
  ACTIVATE_VERSION keeps what the run read, and the RECORD lines carry it.
- ``Stream._initialized_at`` (``streams/entities.py``): the run's start, in
  milliseconds, the SDK's source of that version; also the time an entity list
  is complete through.
- ``Stream._tap`` (``streams/base.py``, ``streams/windowed.py``): the tap that
  holds the shared throttle and the message writer; a stream has no public
  way to its tap.
- ``PluginBase._config`` (``tap.py``, ``_validate_config``): the settings
  before validation, where a setting given as null is removed so that it gets
  its default (``config`` is a read-only view).
- ``StreamStateManager.is_flushed`` (``streams/windowed.py``): a RECORD line
  written straight marks state as not flushed, as the SDK's own
  ``_write_record_message`` does, so that the SDK writes STATE after it.
  ``state_manager``'s class lives in ``singer_sdk.streams._state``.
- ``StateWriter.write_state`` (``tap.py``, ``sync_all``): the last STATE after a
  failure, through the tap's ``state_writer`` (``singer_sdk.helpers._state``).

``singer_sdk.helpers._batch``: ``batch_config`` (the documented setting) comes
to code as a ``BatchConfig`` of this private module. ``runtime/batch_files.py``
writes the files it describes (``BatchConfig.encoding``, ``.storage``,
``.batch_size``, ``BaseBatchFileEncoding.compression``,
``StorageTarget.prefix``, ``.open``, ``.get_url``); ``streams/base.py`` names
``BatchConfig`` and ``BaseBatchFileEncoding`` in annotations only.
"""

from __future__ import annotations

from singer_sdk import Stream, Tap
from singer_sdk.helpers._batch import BaseBatchFileEncoding, BatchConfig, StorageTarget
from singer_sdk.helpers._state import StateWriter
from singer_sdk.plugin_base import PluginBase
from singer_sdk.streams import RESTStream
from singer_sdk.streams._state import StreamStateManager

# The SDK's signature of each method, as ``str(inspect.signature(...))`` gives it.
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
    (Stream, "_sync_records"): (
        "(self, context: 'types.Context | None' = None, *, "
        "write_messages: 'bool' = True) -> 't.Generator[dict, t.Any, t.Any]'"
    ),
    (Stream, "_write_activate_version_message"): (
        "(self, full_table_version: 'int') -> 'None'"
    ),
    (StateWriter, "write_state"): "(self, state: 'types.TapState') -> 'None'",
    (StorageTarget, "open"): (
        "(self, filename: 'str', mode: 'str' = 'rb') -> 't.Generator[t.IO, None, None]'"
    ),
    (StorageTarget, "get_url"): "(self, filename: 'str') -> 'str'",
}

# The SDK's declaration of each data attribute: its annotation as the owner's
# source writes it (that of the parameter it is set from), "" when it has none.
ATTRIBUTES: dict[tuple[type, str], str] = {
    (Stream, "_stream_version"): "int | None",
    (Stream, "_initialized_at"): "int",
    (Stream, "_tap"): "Tap",
    (PluginBase, "_config"): "dict",
    (StreamStateManager, "is_flushed"): "",
    (BatchConfig, "encoding"): "BaseBatchFileEncoding",
    (BatchConfig, "storage"): "StorageTarget",
    (BatchConfig, "batch_size"): "int",
    (BaseBatchFileEncoding, "compression"): "str | None",
    (StorageTarget, "prefix"): "str | None",
}

# Names the tap imports from the SDK's private modules.
IMPORTS: frozenset[str] = frozenset(
    {
        "singer_sdk.helpers._batch.BatchConfig",
        "singer_sdk.helpers._batch.BaseBatchFileEncoding",
    }
)
