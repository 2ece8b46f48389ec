{# purpose: dbt's `where` test config (dbt's own macro, overridden as dbt's docs describe for
   custom placeholders), plus one placeholder: `__unprocessed_loads__`, set on the tests of
   the models that read landed exports row for row (dbt_project.yml, `data_tests:`).

   `meetings run` (the after-every-export path) sets MEETINGS_TEST_SCOPE=new_loads: those tests
   then check only rows of loads int_meetings__unioned has not taken in yet, i.e. the rows
   this build is about to process. Older loads were checked by the run that processed them,
   and landed rows never change. Everywhere else (`meetings build`, `dbt build`, `dbt test`,
   any --full-refresh, a first build) the placeholder is `true`: the whole history. #}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__unprocessed_loads__' in where -%}
        {%- set where = where | replace('__unprocessed_loads__', unprocessed_loads_filter()) -%}
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


{# `load_id > <newest load in int_meetings__unioned, read when the test runs, i.e. before this
   build adds to it>` (or a null load_id, so not_null still sees it) when the scope is new
   loads, else `true`.
   The environment variable is read only when executing, so changing it never costs dbt a
   re-parse. The model is looked up, not ref()'d: a ref would make these tests wait for it. #}
{% macro unprocessed_loads_filter() -%}
    {%- set scope = env_var('MEETINGS_TEST_SCOPE', 'all') if execute else 'all' -%}
    {%- if scope not in ('all', 'new_loads') -%}
        {{ exceptions.raise_compiler_error(
            "MEETINGS_TEST_SCOPE=" ~ scope ~ " is not 'all' or 'new_loads'") }}
    {%- endif -%}
    {%- set unioned = none -%}
    {%- if scope == 'new_loads' and not flags.FULL_REFRESH -%}
        {%- set node = graph.nodes.values()
            | selectattr('resource_type', 'equalto', 'model')
            | selectattr('name', 'equalto', 'int_meetings__unioned')
            | first -%}
        {%- set unioned = adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- endif -%}
    {%- if unioned is not none -%}
        {#- a literal, not a subquery: DuckDB then skips older loads' row groups unread -#}
        {%- set newest = run_query(
            'select coalesce(max(load_id), 0) from ' ~ unioned).columns[0].values()[0] -%}
        (load_id is null or load_id > {{ newest }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
