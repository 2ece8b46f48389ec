{# purpose: parse an ISO 8601 date-time text (Cal.com's "2026-10-30T13:00:00.000Z") into a UTC
   timestamptz. An explicit offset (Z, +01:00) is honoured; a value without one (an Excel
   re-save "2026-10-30 13:00:00") is read as UTC, never as the session's zone. Null when
   unparseable. #}
{% macro iso_timestamp_to_utc(column) -%}
    case
        when regexp_matches(trim({{ column }}), '[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([Zz]|[+-]\d{2}(:?\d{2})?)$')
            then try_cast(trim({{ column }}) as timestamptz)
        else timezone('UTC', try_cast(trim({{ column }}) as timestamp))
    end
{%- endmacro %}
