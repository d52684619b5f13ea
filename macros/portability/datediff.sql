{#-
    dbt.datediff with one meaning on every engine: the number of `datepart`
    boundaries crossed from `first_date` to `second_date` (DuckDB's date_diff,
    Snowflake's datediff), weeks starting on Monday as in dbt.date_trunc('week').

    The adapters' own versions disagree: dbt-spark counts elapsed time rounded
    up for hours and minutes (10:00 to 10:30 is 1 hour, DuckDB says 0), counts
    Jan 31 to Feb 28 as 2 months, and both adapters count weeks from Sunday.
    Checked on hand-counted cases by tests/portability/. Wired in by
    `dispatch` (namespace dbt) in dbt_project.yml.
-#}
{% macro duckdb__datediff(first_date, second_date, datepart) -%}
    {%- if datepart == 'week' -%}
        cast(date_diff('day', date_trunc('week', cast({{ first_date }} as date)), date_trunc('week', cast({{ second_date }} as date))) / 7 as bigint)
    {%- else -%}
        date_diff('{{ datepart }}', cast({{ first_date }} as timestamp), cast({{ second_date }} as timestamp))
    {%- endif -%}
{%- endmacro %}

{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set first_ts = 'cast(' ~ first_date ~ ' as timestamp)' -%}
    {%- set second_ts = 'cast(' ~ second_date ~ ' as timestamp)' -%}
    {%- if datepart == 'day' -%}
        datediff(cast({{ second_date }} as date), cast({{ first_date }} as date))
    {%- elif datepart == 'week' -%}
        cast(datediff(cast(date_trunc('week', {{ second_ts }}) as date), cast(date_trunc('week', {{ first_ts }}) as date)) / 7 as bigint)
    {%- elif datepart == 'month' -%}
        ((year({{ second_date }}) - year({{ first_date }})) * 12 + month({{ second_date }}) - month({{ first_date }}))
    {%- elif datepart == 'quarter' -%}
        ((year({{ second_date }}) - year({{ first_date }})) * 4 + quarter({{ second_date }}) - quarter({{ first_date }}))
    {%- elif datepart == 'year' -%}
        (year({{ second_date }}) - year({{ first_date }}))
    {%- elif datepart in ('hour', 'minute', 'second') -%}
        {%- set seconds = {'hour': 3600, 'minute': 60, 'second': 1}[datepart] -%}
        (floor(unix_timestamp({{ second_ts }}) / {{ seconds }}) - floor(unix_timestamp({{ first_ts }}) / {{ seconds }}))
    {%- elif datepart == 'millisecond' -%}
        (unix_millis({{ second_ts }}) - unix_millis({{ first_ts }}))
    {%- elif datepart == 'microsecond' -%}
        (unix_micros({{ second_ts }}) - unix_micros({{ first_ts }}))
    {%- else -%}
        {{ exceptions.raise_compiler_error("datediff: unknown datepart '" ~ datepart ~ "'") }}
    {%- endif -%}
{%- endmacro %}
