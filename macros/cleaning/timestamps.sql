{#- ISO-8601 text, with or without an offset, to a UTC timestamp; null when it does not parse. -#}
{% macro parse_utc_timestamp(expression) %}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'omnichannel')(expression)) }}
{% endmacro %}

{% macro duckdb__parse_utc_timestamp(expression) -%}
    timezone('UTC', try_cast({{ expression }} as timestamptz))
{%- endmacro %}

{% macro spark__parse_utc_timestamp(expression) -%}
    to_utc_timestamp(to_timestamp({{ expression }}), 'UTC')
{%- endmacro %}


{#- A store's local wall-clock time (text or timestamp) to UTC, given the store's IANA time zone. -#}
{% macro local_to_utc(expression, time_zone_expression) %}
    {{ return(adapter.dispatch('local_to_utc', 'omnichannel')(expression, time_zone_expression)) }}
{% endmacro %}

{% macro duckdb__local_to_utc(expression, time_zone_expression) -%}
    timezone('UTC', timezone({{ time_zone_expression }}, try_cast({{ expression }} as timestamp)))
{%- endmacro %}

{% macro spark__local_to_utc(expression, time_zone_expression) -%}
    to_utc_timestamp(to_timestamp({{ expression }}), {{ time_zone_expression }})
{%- endmacro %}


{#- Microseconds since the Unix epoch (GA4 event_timestamp) to a UTC timestamp. -#}
{% macro micros_to_timestamp(expression) %}
    {{ return(adapter.dispatch('micros_to_timestamp', 'omnichannel')(expression)) }}
{% endmacro %}

{% macro duckdb__micros_to_timestamp(expression) -%}
    make_timestamp(cast({{ expression }} as bigint))
{%- endmacro %}

{% macro spark__micros_to_timestamp(expression) -%}
    timestamp_micros(cast({{ expression }} as bigint))
{%- endmacro %}


{#- A UTC timestamp to the wall-clock time of an IANA time zone (e.g. a store's local time). -#}
{% macro utc_to_local(expression, time_zone_expression) %}
    {{ return(adapter.dispatch('utc_to_local', 'omnichannel')(expression, time_zone_expression)) }}
{% endmacro %}

{% macro duckdb__utc_to_local(expression, time_zone_expression) -%}
    timezone({{ time_zone_expression }}, timezone('UTC', {{ expression }}))
{%- endmacro %}

{% macro spark__utc_to_local(expression, time_zone_expression) -%}
    from_utc_timestamp({{ expression }}, {{ time_zone_expression }})
{%- endmacro %}
