{#
    How an incremental model replaces the days it re-reads, per engine, so
    that models say only *which* column is their day:

        {{ config(materialized='incremental', on_schema_change='fail',
                  **incremental_by_date_config('extract_date')) }}

    DuckDB: `delete+insert` with the day as unique key (the days in the new
    batch are deleted, then the batch inserted). Spark: `insert_overwrite`
    of a table partitioned by the day (dynamic partition overwrite replaces
    exactly the days in the batch). Both keep the days outside the batch and
    replace the days inside it: the same rows either way.
#}
{% macro incremental_by_date_config(date_column) %}
    {{ return(adapter.dispatch('incremental_by_date_config', 'omnichannel')(date_column)) }}
{% endmacro %}

{% macro default__incremental_by_date_config(date_column) %}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': date_column}) }}
{% endmacro %}

{% macro spark__incremental_by_date_config(date_column) %}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': [date_column]}) }}
{% endmacro %}
