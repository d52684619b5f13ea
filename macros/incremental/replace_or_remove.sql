{#
    Custom incremental strategy `replace_or_remove` (DuckDB), for a model whose
    incremental batch holds, per key, either the key's new row or a tombstone
    (`is_removed` true): every key of the batch is deleted from the target,
    then the batch's rows that are not tombstones are inserted. A key that
    must disappear (a node no edge touches any more) is thus removed, which
    delete+insert cannot do. `is_removed` exists in the batch only: the
    insert copies the target's columns. The model sets
    on_schema_change='ignore' (its batch has one column more than its table).
    A model with a contract (on_schema_change must be 'fail') marks its
    tombstones in a column of its own instead: config `replace_or_remove_kept`
    is the predicate of the batch rows to insert (default `not is_removed`).
#}
{% macro get_incremental_replace_or_remove_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='name') | join(', ') -%}
    delete from {{ target }}
    where {{ key }} in (select {{ key }} from {{ batch }});

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ batch }}
    where {{ config.get('replace_or_remove_kept', 'not is_removed') }}
{% endmacro %}


{#
    The config of a model kept up to date with `replace_or_remove` on DuckDB.
    Spark (parquet tables, no row deletes) rebuilds the model in full as a
    table: the same rows, at the cost of a full run.
#}
{% macro replace_or_remove_config(unique_key, kept=none) %}
    {{ return(adapter.dispatch('replace_or_remove_config', 'omnichannel')(unique_key, kept)) }}
{% endmacro %}

{% macro default__replace_or_remove_config(unique_key, kept=none) %}
    {%- if kept is none -%}
        {{ return({
            'materialized': 'incremental',
            'incremental_strategy': 'replace_or_remove',
            'unique_key': unique_key,
            'on_schema_change': 'ignore',
        }) }}
    {%- endif -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'replace_or_remove',
        'unique_key': unique_key,
        'replace_or_remove_kept': kept,
        'on_schema_change': 'fail',
    }) }}
{% endmacro %}

{% macro spark__replace_or_remove_config(unique_key, kept=none) %}
    {{ return({'materialized': 'table'}) }}
{% endmacro %}
