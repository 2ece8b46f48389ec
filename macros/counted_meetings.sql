{# purpose: the rows of fct_meetings a mart counts, written once for the marts that must agree:
   `for_clients` (contact_meeting_metrics, portfolio_review_due): matched to a contact, with a
   status; `by_month` (fct_meetings_monthly, host_meetings_monthly): with a start. Both: not a
   replaced booking (is_counted) and no data issue. The singular reconciliation tests restate
   the rule on purpose, so a change here is checked against an independent copy. #}
{% macro counted_meetings(scope) -%}
    {%- if scope == 'for_clients' -%}
        contact_id is not null and status is not null
    {%- elif scope == 'by_month' -%}
        start_at is not null
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "counted_meetings expects 'for_clients' or 'by_month', got: " ~ scope
        ) }}
    {%- endif %}
    and is_counted
    and not has_data_issue
{%- endmacro %}
