"""The aggregated report's metrics (docs/api.md#daily-report-record).

The network's full list is not documented: these are the advertiser's
``relationship.reporting`` (M), which the advertiser record carries too, and
what the post-conversion report adds (M). Counts are integers, amounts and
rates numbers.
"""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th

from tap_everflow.records.schemas.fields import INTEGER, NUMBER, STRING, field, schema

ADVERTISER_COUNTS = (
    field("imp", INTEGER),
    field("total_click", INTEGER),
    field("unique_click", INTEGER),
    field("invalid_click", INTEGER),
    field("duplicate_click", INTEGER),
    field("gross_click", INTEGER),
    field("cv", INTEGER),
    field("invalid_cv_scrub", INTEGER),
    field("view_through_cv", INTEGER),
    field("total_cv", INTEGER),
    field("event", INTEGER),
)
ADVERTISER_AMOUNTS = (
    field("ctr", NUMBER),
    field("cvr", NUMBER),
    field("evr", NUMBER),
    field("cpc", NUMBER),
    field("cpm", NUMBER),
    field("cpa", NUMBER),
    field("epc", NUMBER),
    field("rpc", NUMBER),
    field("rpa", NUMBER),
    field("rpm", NUMBER),
    field("payout", NUMBER),
    field("revenue", NUMBER),
    field("event_revenue", NUMBER),
    field("gross_sales", NUMBER),
    field("profit", NUMBER),
    field("margin", NUMBER),
    field("roas", NUMBER),
    field("avg_sale_value", NUMBER),
    field("media_buying_cost", NUMBER),
    field("on_hold_potential_revenue", NUMBER),
    field("on_hold_potential_payout", NUMBER),
)
# The advertiser record's relationship.reporting.
ADVERTISER_METRICS = (*ADVERTISER_COUNTS, *ADVERTISER_AMOUNTS)
# A daily_report record's metrics: the advertiser's, and the report's own.
METRICS = (
    *ADVERTISER_COUNTS,
    field("total_event", INTEGER),
    field("view_through_event", INTEGER),
    *ADVERTISER_AMOUNTS,
    field("redirect_traffic_revenue", NUMBER),
    field("view_through_gross_sales", NUMBER),
)


def daily_report_schema(columns: t.Iterable[str]) -> dict[str, t.Any]:
    """A daily_report record: the day, each column's id and label, the metrics."""
    return schema(
        field("date", th.DateType),
        *(
            field(f"{column}_{part}", STRING)
            for column in columns
            for part in ("id", "label")
        ),
        *METRICS,
    )


# A row of the report's table: its columns' ids and labels (read apart), and
# the metrics.
TABLE_ROW_SCHEMA = {
    "type": "object",
    "properties": {
        "columns": {},
        "reporting": {"type": "object", "properties": schema(*METRICS)["properties"]},
    },
}
