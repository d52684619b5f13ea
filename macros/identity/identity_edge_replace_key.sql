{#
    What an incremental run of int_identity_edges replaces (its replace_or_remove key, an
    expression): the extract day of an event-grain record (`edge_partition`, as
    `<system>.<table>|<day>`), else the record itself (`<system>.<table>:<record id>`).
#}
{% macro identity_edge_replace_key() -%}
    (case when event_extract_date is null then {{ dbt.concat(["source_system", "'.'", "source_table", "':'", "source_record_id"]) }} else edge_partition end)
{%- endmacro %}
