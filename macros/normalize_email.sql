{# purpose: the one email normalization used for matching meetings to contacts (contact index,
   meetings, overrides). Returns the mailbox as `local@domain`, or null when the text holds no
   single valid address. Steps, in order:
     1-4. the address the text holds, or null: macro email_address (the same definition the
        data quality flag is_valid_email uses)
     5. domain: `googlemail.com` -> `gmail.com`; then the firm's alias domains
        (seed email_domain_aliases: alias_domain -> canonical_domain)
     6. gmail.com only: dots and `+tag` removed from the local part (Gmail ignores them);
        other providers keep both (`ann+x@corp.com` may be a different mailbox)
   Pure text steps are nested expressions; the seed lookup is a correlated subquery. #}
{% macro normalize_email(column) -%}
    {%- if column is not string or column | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "normalize_email expects a column expression as text, got: " ~ column
        ) }}
    {%- endif -%}
    (
        select
            case
                when email_parts.domain_part = 'gmail.com'
                    then replace(split_part(email_parts.local_part, '+', 1), '.', '')
                    || '@gmail.com'
                else email_parts.local_part || '@' || email_parts.domain_part
            end
        from (
            select
                split_part(email_candidate.address, '@', 1) as local_part,
                coalesce(
                    email_aliases.canonical_domain,
                    email_candidate.base_domain
                ) as domain_part
            from (
                select
                    email_input.address,
                    case split_part(email_input.address, '@', 2)
                        when 'googlemail.com' then 'gmail.com'
                        else split_part(email_input.address, '@', 2)
                    end as base_domain
                from (
                    select {{ email_address(column) }} as address
                ) as email_input
            ) as email_candidate
            left join {{ ref('email_domain_aliases') }} as email_aliases
                on email_candidate.base_domain = lower(trim(email_aliases.alias_domain))
        ) as email_parts
    )
{%- endmacro %}
