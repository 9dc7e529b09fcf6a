"""Offers and what they are made of: groups, creatives, URLs, smart links, coupons."""

from __future__ import annotations

from tap_everflow.records.schemas import offers as schemas
from tap_everflow.streams.entities import EntityStream, IncrementalEntityStream


class OffersStream(IncrementalEntityStream):
    """The network's offers (read whole by default: see entity_full_refresh)."""

    name = "offers"
    path = "/networks/offers"
    records_key = "offers"
    primary_keys = ("network_offer_id",)
    schema = schemas.OFFER
    alternatives = schemas.OFFER_ALTERNATIVES


class OfferGroupsStream(EntityStream):
    """Groups of offers that share caps."""

    name = "offer_groups"
    path = "/networks/offergroups"
    records_key = "offer_groups"
    primary_keys = ("network_offer_group_id",)
    schema = schemas.OFFER_GROUP


class CreativesStream(IncrementalEntityStream):
    """Offers' creatives: a click's ``creative_id``."""

    name = "creatives"
    path = "/networks/creatives"
    records_key = "creatives"
    primary_keys = ("network_offer_creative_id",)
    schema = schemas.CREATIVE


class OfferUrlsStream(IncrementalEntityStream):
    """Offers' other landing pages: a click's ``custom_landing_page_id``."""

    name = "offer_urls"
    path = "/networks/offerurls"
    records_key = "urls"
    primary_keys = ("network_offer_url_id",)
    schema = schemas.OFFER_URL


class CampaignsStream(EntityStream):
    """Smart links: one link that routes to several offers."""

    name = "campaigns"
    path = "/networks/campaigns"
    records_key = "campaigns"
    primary_keys = ("network_campaign_id",)
    schema = schemas.CAMPAIGN
    alternatives = schemas.CAMPAIGN_ALTERNATIVES


class CouponCodesStream(IncrementalEntityStream):
    """Coupon codes that attribute conversions to affiliates."""

    name = "coupon_codes"
    path = "/networks/couponcodes"
    records_key = "coupon_codes"  # O, M
    other_records_keys = ("couponcodes",)  # B
    primary_keys = ("network_coupon_code_id",)
    schema = schemas.COUPON_CODE


class CategoriesStream(EntityStream):
    """Offer categories: a click's ``category_id``."""

    name = "categories"
    path = "/networks/categories"
    records_key = "categories"
    primary_keys = ("network_category_id",)
    schema = schemas.CATEGORY


class LabelsStream(EntityStream):
    """Labels and the entities that carry each."""

    name = "labels"
    path = "/networks/labels"
    records_key = "labels"
    primary_keys = ("label",)
    schema = schemas.LABEL
