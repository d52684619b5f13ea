-- Store conversion (metrics.md): till transactions / door-counter visitors, per store and
-- STORE-LOCAL day (the counter's local hour and the till's local time give the day). A day
-- with visitors and no sale has rate 0; a day with sales and no counter reading has a null rate.

with

transactions as (
    select transaction_id, store_id, transaction_local_date from {{ ref('stg_store_pos__transactions') }}
),

footfall as (
    select store_id, hour_local_date, visitors_in from {{ ref('stg_store_footfall__hourly_counts') }}
),

transactions_daily as (

    select
        store_id,
        transaction_local_date as local_date,
        count(distinct transaction_id) as transaction_count
    from transactions
    group by store_id, transaction_local_date

),

footfall_daily as (

    select
        store_id,
        hour_local_date as local_date,
        sum(visitors_in) as footfall_visitor_count
    from footfall
    group by store_id, hour_local_date

),

store_days as (

    select
        coalesce(footfall_daily.store_id, transactions_daily.store_id) as store_id,
        coalesce(footfall_daily.local_date, transactions_daily.local_date) as local_date,
        coalesce(transactions_daily.transaction_count, 0) as transaction_count,
        coalesce(footfall_daily.footfall_visitor_count, 0) as footfall_visitor_count
    from footfall_daily
    full outer join transactions_daily
        on
            footfall_daily.store_id = transactions_daily.store_id
            and footfall_daily.local_date = transactions_daily.local_date

),

final as (

    select
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(local_date as date) as local_date,
        cast(transaction_count as bigint) as transaction_count,
        cast(footfall_visitor_count as bigint) as footfall_visitor_count,
        cast(transaction_count as bigint) as store_conversion_rate_numerator,
        cast(footfall_visitor_count as bigint) as store_conversion_rate_denominator,
        {{ ratio_or_null('transaction_count', 'footfall_visitor_count') }} as store_conversion_rate
    from store_days

)

select
    store_id,
    local_date,
    transaction_count,
    footfall_visitor_count,
    store_conversion_rate_numerator,
    store_conversion_rate_denominator,
    store_conversion_rate
from final
