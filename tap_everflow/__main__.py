"""Run the tap: ``python -m tap_everflow``."""

from tap_everflow.tap import TapEverflow

TapEverflow.cli()
