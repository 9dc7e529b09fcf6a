"""Records of the network itself: employees and business units.

Their fields and sources: docs/api.md#other-records.
"""

from __future__ import annotations

from tap_everflow.records.schemas.fields import (
    BOOLEAN,
    ENTITY_TIMES,
    ID_LIST,
    INTEGER,
    STRING,
    field,
    schema,
)

EMPLOYEE = schema(
    # D names the id and the status one way, B another: both names
    # (docs/api.md#status-field-names).
    field("network_employee_id", INTEGER),
    field("employee_id", INTEGER),
    field("network_business_unit_id", INTEGER),
    field("first_name", STRING),
    field("last_name", STRING),
    field("full_name", STRING),
    field("email", STRING),
    field("is_admin", BOOLEAN),
    field("is_affiliate_manager", BOOLEAN),
    field("is_limited_affiliate_scope", BOOLEAN),
    field("is_advertiser_manager", BOOLEAN),
    field("work_phone", STRING),
    field("cell_phone", STRING),
    field("title", STRING),
    field("network_role_id", INTEGER),
    field("instant_messaging_id", INTEGER),
    field("instant_messaging_identifier", STRING),
    field("language_id", INTEGER),
    field("timezone_id", INTEGER),
    field("currency_id", STRING),
    field("picture_url", STRING),
    field("is_using_email_notification", BOOLEAN),
    field("is_receiving_newsletter", BOOLEAN),
    field("internal_notes", STRING),
    field("city", STRING),
    field("country_id", INTEGER),
    field("country_code", STRING),
    field("region_code", STRING),
    field("account_status", STRING),
    field("status", STRING),
    field("roles", ID_LIST),
    *ENTITY_TIMES,
)

BUSINESS_UNIT = schema(
    field("network_business_unit_id", INTEGER),
    field("network_id", INTEGER),
    field("name", STRING),
    *ENTITY_TIMES,
)
