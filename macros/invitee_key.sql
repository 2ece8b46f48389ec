{# purpose: one key per invitee as the review queue sees them: the email key (normalized email,
   else the lower-cased text) and the name booked under. Meetings of the same invitee share
   it, so suggestions are scored once per invitee, not once per meeting. #}
{% macro invitee_key(email_key, invitee_name) -%}
    md5(coalesce({{ email_key }}, '') || chr(31) || coalesce({{ invitee_name }}, ''))
{%- endmacro %}
