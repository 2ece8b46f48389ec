{# purpose: dbt's `where` test config (dbt's own macro, overridden as dbt's docs describe),
   plus the run scope of the landed lane. A model of the landed lane names, in its own YAML,
   the model that consumes it (`config: meta: consumed_by: <model>` and `consumed_through:
   <that model's load column>`); that is the only place the lane is listed.

   `meetings run` (the after-every-export path) sets MEETINGS_TEST_SCOPE=new_loads: every data
   test of a landed-lane model then checks only rows of loads its consumer has not taken in
   yet, i.e. the rows this build is about to process. Older loads were checked by the run
   that processed them, and landed rows never change; a load that fails stays out of the
   consumer, so the next run checks it again. A test can opt out with `config: meta:
   run_scoped: false` (e.g. not_null on load_id: a test scoped by load_id cannot see a null
   one). Everywhere else (`meetings build`, `dbt build`, `dbt test`, any --full-refresh, a
   first build) every test checks the whole history. #}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set test_meta = config.get('meta') or {} -%}
    {%- if test_meta.get('run_scoped', true) and landed_lane_node(relation) is not none -%}
        {%- set scope = unprocessed_loads_filter(relation) -%}
        {%- if scope != 'true' -%}
            {%- do conditions.append(scope) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{# The model node behind `relation` when it belongs to the landed lane (its meta names a
   consumer), else none. Parsing knows no relations yet: none. #}
{% macro landed_lane_node(relation) -%}
    {%- if not execute or relation is string or relation.identifier is none -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.alias == relation.identifier
            and node.schema == relation.schema
            and (node.config.meta or {}).get('consumed_by') -%}
            {%- do return(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return(none) -%}
{%- endmacro %}


{# `load_id > <newest load the consumer has taken in, read when the test runs, i.e. before
   this build adds to it>` when the scope is new loads, else `true`. A plain comparison with a
   literal, so DuckDB skips older row groups by their min/max (`load_id is null or ...` would
   read them all, 10x slower; a null load_id cannot come from the loader, and
   tests/dbt/assert_unioned_holds_every_staged_row, run by `meetings build` over the whole
   history, would list such a row). The environment variable is read only when executing,
   so changing it never costs dbt a re-parse. The consumer is looked up, not ref()'d: a ref
   would make these tests wait for it. #}
{% macro unprocessed_loads_filter(relation) -%}
    {%- set node = landed_lane_node(relation) -%}
    {%- if execute and node is none -%}
        {{ exceptions.raise_compiler_error(
            "unprocessed_loads_filter: " ~ relation ~ " is not in the landed lane (its YAML"
            ~ " names no `meta: consumed_by`)") }}
    {%- endif -%}
    {%- set scope = env_var('MEETINGS_TEST_SCOPE', 'all') if execute else 'all' -%}
    {%- if scope not in ('all', 'new_loads') -%}
        {{ exceptions.raise_compiler_error(
            "MEETINGS_TEST_SCOPE=" ~ scope ~ " is not 'all' or 'new_loads'") }}
    {%- endif -%}
    {%- set consumer_relation = none -%}
    {%- if scope == 'new_loads' and not flags.FULL_REFRESH -%}
        {%- set consumer_name = node.config.meta['consumed_by'] -%}
        {%- set consumer = graph.nodes.values()
            | selectattr('resource_type', 'equalto', 'model')
            | selectattr('name', 'equalto', consumer_name)
            | first -%}
        {%- if consumer is not defined or consumer is none -%}
            {{ exceptions.raise_compiler_error(
                "unprocessed_loads_filter: " ~ node.name ~ " names consumed_by: "
                ~ consumer_name ~ ", which is not a model") }}
        {%- endif -%}
        {%- set consumer_relation = adapter.get_relation(
            database=consumer.database, schema=consumer.schema, identifier=consumer.alias) -%}
    {%- endif -%}
    {%- if consumer_relation is not none -%}
        {#- a literal, not a subquery: a subquery is not used to skip row groups -#}
        {%- set newest = run_query(
            'select coalesce(max(' ~ node.config.meta['consumed_through'] ~ '), 0) from '
            ~ consumer_relation
        ).columns[0].values()[0] -%}
        load_id > {{ newest }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
