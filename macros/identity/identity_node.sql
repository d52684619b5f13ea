{#- An identifier as a node of the identity graph: '<type>:<value>', null when the value is null or empty. -#}
{% macro identity_node(identifier_type, value_expression) -%}
    case
        when nullif(trim(cast({{ value_expression }} as {{ dbt.type_string() }})), '') is null then null
        else {{ dbt.concat(["'" ~ identifier_type ~ ":'", "trim(cast(" ~ value_expression ~ " as " ~ dbt.type_string() ~ "))"]) }}
    end
{%- endmacro %}
