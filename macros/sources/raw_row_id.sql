{#
    A text id that locates one raw row: the file it came from and its row
    number in that file. Unique across a source table, stable across runs on
    DuckDB. Used as the key of the quarantine checks models.
#}
{% macro raw_row_id() %}
    {{ return(adapter.dispatch('raw_row_id', 'omnichannel')()) }}
{% endmacro %}

{% macro default__raw_row_id() %}
    {{ dbt.concat(["filename", "':'", "cast(file_row_number as " ~ dbt.type_string() ~ ")"]) }}
{% endmacro %}

{% macro spark__raw_row_id() %}
    concat(input_file_name(), ':', cast(monotonically_increasing_id() as string))
{% endmacro %}
