"""A local server keeping the Everflow API of docs/api.md, and the data it serves."""

from harness.simulator.catalog import (
    advertiser_id_for,
    advertiser_name,
    affiliate_name,
    offer_name,
)
from harness.simulator.records import (
    advertiser_entities,
    affiliate_entities,
    make_impression,
    make_record,
    network,
    offer_entities,
)
from harness.simulator.report import TIME_ID_FORMATS, ReportOptions
from harness.simulator.server import EverflowSimulator, Fault, RequestLog
from harness.simulator.traffic import bursty, daily_cycle, quiet, uniform

__all__ = [
    "TIME_ID_FORMATS",
    "EverflowSimulator",
    "Fault",
    "ReportOptions",
    "RequestLog",
    "advertiser_entities",
    "advertiser_id_for",
    "advertiser_name",
    "affiliate_entities",
    "affiliate_name",
    "bursty",
    "daily_cycle",
    "make_impression",
    "make_record",
    "network",
    "offer_entities",
    "offer_name",
    "quiet",
    "uniform",
]
