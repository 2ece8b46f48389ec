{# purpose: the blocking keys of a person's name for suggestion scoring, from its words (macro
   name_words: distinct lower-case letter runs of 2+, sorted): every pair of words in
   alphabetical order (`hal jr novak` -> `hal jr`, `hal novak`, `jr novak`), or the word
   itself for a one-word name. Two names that share a key share two words (or are the same
   single word). A two-word name, the common case, skips the pairing (measured: the nested
   lambdas cost ~25 us a row). Null -> null. #}
{% macro name_blocking_keys(words) -%}
    {%- if words is not string or words | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "name_blocking_keys expects a column of name words, got: " ~ words
        ) }}
    {%- endif -%}
    case
        when len({{ words }}) <= 2 then [array_to_string({{ words }}, ' ')]
        else flatten(list_transform(
            range(1, len({{ words }}) + 1),
            i -> list_transform(
                range(i + 1, len({{ words }}) + 1),
                j -> {{ words }}[i] || ' ' || {{ words }}[j]
            )
        ))
    end
{%- endmacro %}
