"""Meetings pipeline: land Calendly / Cal.com exports in DuckDB, build with dbt, sync to LACRM."""

__version__ = "0.1.0"
