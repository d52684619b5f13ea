{#
    For an incremental model whose grain date is not the column it filters on
    (sessions by `session_date`, rebuilt from events filtered by `event_at`):
    on an incremental run, `column_expression` >= the start of the lookback
    window (the newest `this_date_column` already loaded minus
    var('lookback_days')) minus `margin_days` more days of context, so that a
    unit that began before the window (a session that started before midnight)
    is read whole; on a full refresh, every row (`1 = 1`).
    The model then keeps only the units inside the window with
    `lookback_filter(this_date_column)`. The bound is a literal looked up when
    the model runs (`lookback_start_literal`), so that older row groups are skipped.
#}
{% macro lookback_window_filter(column_expression, this_date_column, margin_days=0) -%}
    {%- if is_incremental() -%}
        {%- set bound_sql -%}
            select cast({{ dbt.dateadd('day', -(var('lookback_days') + margin_days), 'max(' ~ this_date_column ~ ')') }} as {{ dbt.type_timestamp() }})
            from {{ this }}
        {%- endset -%}
        {{ column_expression }} >= {{ lookback_start_literal(bound_sql) }}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}
