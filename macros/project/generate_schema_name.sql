{#
    Schemas are named by layer (`staging`, `intermediate`, `marts`, ...), not
    `<target schema>_<layer>`, so that a BI tool sees `marts.fct_orders` on
    every target. Nodes without a custom schema go to the target schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
