{# purpose: dbt's `where` test config (dbt's own macro, overridden as dbt's docs describe for
   custom placeholders), plus one placeholder: `__unprocessed_loads__`, set on the tests of
   the models that read landed exports row for row (dbt_project.yml `data_tests:` and the
   models' YAML; the models are listed in unprocessed_loads_filter below).

   `meetings run` (the after-every-export path) sets MEETINGS_TEST_SCOPE=new_loads: those tests
   then check only rows of loads the next model has not taken in yet, i.e. the rows this
   build is about to process. Older loads were checked by the run that processed them, and
   landed rows never change; a load that fails stays out of the next model, so the next run
   checks it again. Everywhere else (`meetings build`, `dbt build`, `dbt test`,
   any --full-refresh, a first build) the placeholder is `true`: the whole history. #}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__unprocessed_loads__' in where -%}
        {%- set where = where | replace(
            '__unprocessed_loads__', unprocessed_loads_filter(relation)) -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{# `load_id > <newest load the next model has taken in, read when the test runs, i.e. before
   this build adds to it>` when the scope is new loads, else `true`. The next model of each
   model whose tests carry the placeholder (or that a singular test passes to this macro) is
   listed below; any other model is a compile error. A plain comparison with a literal, so
   DuckDB skips older row groups by their min/max (`load_id is null or ...` would read them
   all, 10x slower; a null load_id cannot come from the loader, and
   tests/dbt/assert_unioned_holds_every_staged_row, run by `meetings build` over the whole
   history, would list such a row). The environment variable is read only when executing,
   so changing it never costs dbt a re-parse. The next model is looked up, not ref()'d: a
   ref would make these tests wait for it. #}
{% macro unprocessed_loads_filter(relation) -%}
    {%- set next_models = {
        'stg_calendly__events': ('int_meetings__unioned', 'load_id'),
        'stg_calcom__bookings': ('int_meetings__unioned', 'load_id'),
        'int_meetings__calcom_attendees': ('int_meetings__unioned', 'load_id'),
        'int_meetings__unioned': ('int_meetings__deduplicated', 'last_seen_load_id'),
        'stg_lacrm__contacts': ('int_contacts__unioned', 'load_id'),
        'stg_lacrm__contacts_csv': ('int_contacts__unioned', 'load_id'),
        'int_contacts__unioned': ('int_contacts__history', 'last_seen_load_id'),
    } -%}
    {#- (parsing knows no relations yet: `ref()` then names the calling node) -#}
    {%- if execute and relation.identifier not in next_models -%}
        {{ exceptions.raise_compiler_error(
            "__unprocessed_loads__ on a test of " ~ relation.identifier ~ ", which has no next"
            ~ " model in macros/get_where_subquery.sql (unprocessed_loads_filter)") }}
    {%- endif -%}
    {%- set next_model, next_column = next_models.get(relation.identifier, (none, none)) -%}
    {%- set scope = env_var('MEETINGS_TEST_SCOPE', 'all') if execute else 'all' -%}
    {%- if scope not in ('all', 'new_loads') -%}
        {{ exceptions.raise_compiler_error(
            "MEETINGS_TEST_SCOPE=" ~ scope ~ " is not 'all' or 'new_loads'") }}
    {%- endif -%}
    {%- set next_relation = none -%}
    {%- if scope == 'new_loads' and not flags.FULL_REFRESH -%}
        {%- set node = graph.nodes.values()
            | selectattr('resource_type', 'equalto', 'model')
            | selectattr('name', 'equalto', next_model)
            | first -%}
        {%- set next_relation = adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- endif -%}
    {%- if next_relation is not none -%}
        {#- a literal, not a subquery: a subquery is not used to skip row groups -#}
        {%- set newest = run_query(
            'select coalesce(max(' ~ next_column ~ '), 0) from ' ~ next_relation
        ).columns[0].values()[0] -%}
        load_id > {{ newest }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
