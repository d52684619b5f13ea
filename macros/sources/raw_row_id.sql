{#
    A text id that locates one raw row: the file it came from and its row
    number in that file. Unique across a source table, stable across runs and
    the same on DuckDB and Spark (see `spark__register_raw_table`). Used as
    the key of the quarantine checks models.
#}
{% macro raw_row_id() %}
    {{ return(adapter.dispatch('raw_row_id', 'omnichannel')()) }}
{% endmacro %}

{% macro default__raw_row_id() %}
    {{ dbt.concat(["filename", "':'", "cast(file_row_number as " ~ dbt.type_string() ~ ")"]) }}
{% endmacro %}
