{# purpose: the blocking keys of a person's name for suggestion scoring: every pair of its
   distinct words in alphabetical order (`Hal Novak Jr` -> `hal jr`, `hal novak`, `jr novak`),
   or the word itself for a one-word name; words are lower-case letter runs of 2+. Two names
   that share a key share two words (or are the same single word). Null name -> null. #}
{% macro name_blocking_keys(column) -%}
    {%- if column is not string or column | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "name_blocking_keys expects a column expression as text, got: " ~ column
        ) }}
    {%- endif -%}
    {%- set words = "list_sort(list_distinct(regexp_extract_all(lower(" ~ column
        ~ "), '\\pL{2,}')))" -%}
    case
        when len({{ words }}) = 1 then {{ words }}
        else flatten(list_transform(
            range(1, len({{ words }}) + 1),
            i -> list_transform(
                range(i + 1, len({{ words }}) + 1),
                j -> {{ words }}[i] || ' ' || {{ words }}[j]
            )
        ))
    end
{%- endmacro %}
