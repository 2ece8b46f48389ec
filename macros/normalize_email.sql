{# purpose: the one email normalization used for matching meetings to contacts (contact index,
   meetings, overrides). Returns the mailbox as `local@domain`, or null when the text holds no
   single valid address. Steps, in order:
     1. lower case; `mailto:` removed; spaces around `@` removed; outer spaces trimmed
     2. display names: `"Ann Lee" <ann@x.com>` -> the address in angle brackets;
        `Ann Lee (ann@x.com)` -> the address in parentheses; otherwise the whole text
        without parenthesised comments (`ann@x.com (Ann)` -> `ann@x.com`)
     3. trailing/leading quotes, dots, commas, semicolons trimmed
     4. invalid -> null: inner spaces, not exactly one `@`, no dot in the domain, other
        characters than RFC 5322 atoms allow, or more than one distinct address in the text
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
                when not coalesce(email_parts.is_valid, false) then null
                when email_parts.domain_part = 'gmail.com'
                    then replace(split_part(email_parts.local_part, '+', 1), '.', '')
                    || '@gmail.com'
                else email_parts.local_part || '@' || email_parts.domain_part
            end
        from (
            select
                split_part(email_candidate.address, '@', 1) as local_part,
                email_candidate.distinct_addresses = 1
                and regexp_full_match(
                    email_candidate.address,
                    '[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*'
                    || '@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+'
                ) as is_valid,
                coalesce(
                    email_aliases.canonical_domain,
                    email_candidate.base_domain
                ) as domain_part
            from (
                select
                    email_text.address,
                    email_text.distinct_addresses,
                    case split_part(email_text.address, '@', 2)
                        when 'googlemail.com' then 'gmail.com'
                        else split_part(email_text.address, '@', 2)
                    end as base_domain
                from (
                    select
                        trim(
                            coalesce(
                                nullif(regexp_extract(email_input.cleaned, '<([^<>]*)>', 1), ''),
                                nullif(
                                    regexp_extract(email_input.cleaned, '\(([^()]*@[^()]*)\)', 1),
                                    ''
                                ),
                                regexp_replace(email_input.cleaned, '\([^()@]*\)', '', 'g')
                            ),
                            ' "''.,;'
                        ) as address,
                        len(list_distinct(list_transform(
                            regexp_extract_all(
                                email_input.cleaned, '[^\s<>()\[\]"'',;:]+@[^\s<>()\[\]"'',;:]+'
                            ),
                            lambda found: trim(found, '.')
                        ))) as distinct_addresses
                    from (
                        select
                            trim(regexp_replace(
                                replace(lower(cast({{ column }} as varchar)), 'mailto:', ''),
                                '\s*@\s*',
                                '@',
                                'g'
                            )) as cleaned
                    ) as email_input
                ) as email_text
            ) as email_candidate
            left join {{ ref('email_domain_aliases') }} as email_aliases
                on email_candidate.base_domain = lower(trim(email_aliases.alias_domain))
        ) as email_parts
    )
{%- endmacro %}
