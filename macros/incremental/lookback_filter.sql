{#
    The rows an incremental model re-reads: on an incremental run, those whose
    `date_column` is within var('lookback_days') of the newest date already
    loaded (so late-arriving days are picked up and replaced by delete+insert);
    on a full refresh, every row (`1 = 1`).

    The bound is looked up when the model runs and written into the query as a
    literal (see `lookback_start_literal`): a constant lets the engine skip the
    older raw partitions and row groups, where a scalar subquery reads them all.
#}
{% macro lookback_filter(date_column) -%}
    {%- if is_incremental() -%}
        {%- set bound_sql -%}
            select {{ dbt.dateadd('day', -var('lookback_days'), 'max(' ~ date_column ~ ')') }} from {{ this }}
        {%- endset -%}
        {{ date_column }} >= {{ lookback_start_literal(bound_sql) }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}


{#
    The value of `bound_sql` (one row, one date or timestamp) as a SQL literal, looked
    up when the model runs: a date literal when it is midnight (a date column compared
    to it reads the same days as to the timestamp), else a timestamp literal. At parse
    time, or when the table is empty (no bound), the query itself in parentheses, as
    before: the rows are the same either way.
#}
{% macro lookback_start_literal(bound_sql) -%}
    {%- set bound = none -%}
    {%- if execute -%}
        {%- set bound = run_query(bound_sql).columns[0].values()[0] -%}
    {%- endif -%}
    {%- if bound is none -%}
        ({{ bound_sql }})
    {%- elif bound is string -%}
        cast('{{ bound }}' as {{ dbt.type_timestamp() }})
    {%- elif bound.hour is defined and (bound.hour, bound.minute, bound.second, bound.microsecond) != (0, 0, 0, 0) -%}
        cast('{{ bound.strftime('%Y-%m-%d %H:%M:%S.%f') }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast('{{ bound.strftime('%Y-%m-%d') }}' as date)
    {%- endif -%}
{%- endmacro %}
