{#
    The GA4 default channel group of a session from its source and medium,
    rendered from the rules seed `ga4_channel_grouping_rules` (first matching
    rule by priority wins; patterns are SQL LIKE patterns on lower-cased
    values; a rule with an empty source and medium matches a session with no
    source and no medium at all, which GA4 calls Direct).

    A session without UTM parameters but with a search-engine or social
    referrer is classified from the referrer by the staging model before this
    macro is applied (organic search / organic social / referral).
#}
{% macro ga4_default_channel_group(source_expression, medium_expression) %}
    {%- if not execute -%}
        {{ return("cast(null as " ~ dbt.type_string() ~ ")") }}
    {%- endif -%}
    {%- set rules = run_query(
        "select priority, channel_group, source_pattern, medium_pattern from "
        ~ ref('ga4_channel_grouping_rules') ~ " order by priority"
    ) -%}
    {%- set source = "lower(coalesce(" ~ source_expression ~ ", ''))" -%}
    {%- set medium = "lower(coalesce(" ~ medium_expression ~ ", ''))" -%}
    case
    {%- for rule in rules.rows %}
        {%- if rule[2] is none and rule[3] is none %}
        when {{ source }} = '' and {{ medium }} = '' then '{{ rule[1] }}'
        {%- else %}
        when {{ source }} like '{{ rule[2] }}' and {{ medium }} like '{{ rule[3] }}' then '{{ rule[1] }}'
        {%- endif %}
    {%- endfor %}
        else 'Unassigned'
    end
{% endmacro %}
