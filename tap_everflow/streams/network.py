"""The network's own organisation: employees and business units."""

from __future__ import annotations

from tap_everflow.records.schemas import network as schemas
from tap_everflow.streams.entities import EntityStream


class EmployeesStream(EntityStream):
    """The network's employees: account and affiliate managers among them."""

    name = "employees"
    path = "/networks/employees"
    records_key = "employees"  # documented as a bare list (Y)
    primary_keys = ("network_employee_id",)
    key_alias = "employee_id"  # B's name for it
    schema = schemas.EMPLOYEE


class BusinessUnitsStream(EntityStream):
    """Business units employees belong to."""

    name = "business_units"
    path = "/networks/businessunits"
    records_key = "units"
    primary_keys = ("network_business_unit_id",)
    schema = schemas.BUSINESS_UNIT
