"""Affiliates and advertisers, their users, postbacks and invoices."""

from __future__ import annotations

import typing as t

from tap_everflow.records.schemas import partners as schemas
from tap_everflow.streams.entities import EntityStream, IncrementalEntityStream


class AffiliatesStream(IncrementalEntityStream):
    """The network's affiliates (publishers)."""

    name = "affiliates"
    path = "/networks/affiliates"
    records_key = "affiliates"
    primary_keys = ("network_affiliate_id",)
    schema = schemas.AFFILIATE


class AdvertisersStream(EntityStream):
    """The network's advertisers."""

    name = "advertisers"
    path = "/networks/advertisers"
    records_key = "advertisers"
    primary_keys = ("network_advertiser_id",)
    schema = schemas.ADVERTISER


class AffiliateUsersStream(EntityStream):
    """Every affiliate's users, from the network-wide list."""

    name = "affiliate_users"
    path = "/networks/affiliates/users"
    records_key = "users"  # a bare list (B); users per affiliate (O/M)
    primary_keys = ("network_affiliate_user_id",)
    schema = schemas.AFFILIATE_USER


class AdvertiserUsersStream(EntityStream):
    """Every advertiser's users, from the network-wide list."""

    name = "advertiser_users"
    path = "/networks/advertisers/users"
    records_key = "users"  # a bare list (B); users per advertiser (M)
    primary_keys = ("network_advertiser_user_id",)
    schema = schemas.ADVERTISER_USER


class PartnerPostbacksStream(IncrementalEntityStream):
    """Affiliates' postbacks and pixels, fired on conversions and clicks."""

    name = "partner_postbacks"
    path = "/networks/pixels"
    records_key = "pixels"
    primary_keys = ("network_pixel_id",)
    schema = schemas.PIXEL


class AffiliateInvoicesStream(EntityStream):
    """What the network owes its affiliates, invoice by invoice."""

    name = "affiliate_invoices"
    path = "/networks/billings/affiliates/invoicestable"  # a search only
    http_method = "POST"
    search_body: t.ClassVar[dict] = {}  # no filters: every invoice
    records_key = "invoices"
    primary_keys = ("network_affiliate_invoice_id",)
    schema = schemas.AFFILIATE_INVOICE
    alternatives = schemas.INVOICE_ALTERNATIVES


class AdvertiserInvoicesStream(AffiliateInvoicesStream):
    """What the advertisers owe the network: the affiliates' invoices' shape."""

    name = "advertiser_invoices"
    path = "/networks/billings/advertisers/invoicestable"
    primary_keys = ("network_advertiser_invoice_id",)
    schema = schemas.ADVERTISER_INVOICE
