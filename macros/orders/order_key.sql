{#-
    The warehouse key of an order (or of one of its lines, returns, ...):
    `<source_system>:<id in that system>`, e.g. `ecommerce:SO00000042`,
    `store_pos:T000000007`, `marketplace:MP00000003`. Unique across systems,
    and trivially mapped to the truth's (source_system, order_ref).
-#}
{% macro order_key(source_system, id_expression) -%}
    {{ dbt.concat(["'" ~ source_system ~ "'", "':'", id_expression]) }}
{%- endmacro %}
