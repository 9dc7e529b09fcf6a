"""A local server that keeps the Everflow API contract, and the traffic it serves."""

from tests.simulator.server import EverflowSimulator, Fault, RequestLog
from tests.simulator.traffic import bursty, make_impression, quiet, uniform

__all__ = [
    "EverflowSimulator",
    "Fault",
    "RequestLog",
    "bursty",
    "make_impression",
    "quiet",
    "uniform",
]
