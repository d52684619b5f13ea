-- One row per customer and order channel the customer bought in during the trailing 365 days
-- or showed journey activity in during the last next_best_channel_lookback_days days, ranked
-- twice: preferred channel = the channel with the most net sales in the trailing 365 days (ties
-- to the channel ordered in most recently, then the channel name); next-best channel = the
-- channel with the most journey signals in the lookback (web and app sessions, store visits by
-- app geofence or loyalty scan, calls to the call centre - the channel each leads to an order
-- in), ties to the most recent signal, then the channel name. Marketplace has no journey signal.

with

customer_orders as (
    select customer_id, order_channel, ordered_at, net_sales_amount_eur, as_of_date, is_in_trailing_365_days
    from {{ ref('int_customer_orders_sequenced') }}
),

sessions as (
    select customer_id, platform, session_start_at
    from {{ ref('int_sessions_rebuilt') }}
    where customer_id is not null
),

touchpoints as (
    select customer_id, touchpoint_type, touched_at
    from {{ ref('int_touchpoints_unified') }}
    where
        customer_id is not null
        and touchpoint_type in ('store_visit_geofence', 'store_visit_loyalty_scan', 'call')
),

as_of as (
    select max(as_of_date) as as_of_date from customer_orders
),

order_channels as (

    select
        customer_id,
        order_channel,
        sum(net_sales_amount_eur) as net_sales_365d_amount_eur,
        count(*) as order_365d_count,
        max(ordered_at) as last_ordered_at
    from customer_orders
    where is_in_trailing_365_days
    group by customer_id, order_channel

),

signals as (

    select customer_id, platform as order_channel, session_start_at as signal_at from sessions

    union all

    select
        customer_id,
        case when touchpoint_type = 'call' then 'phone' else 'store' end as order_channel,
        touched_at as signal_at
    from touchpoints

),

recent_signals as (

    select
        signals.customer_id,
        signals.order_channel,
        count(*) as journey_signal_count,
        max(signals.signal_at) as last_signal_at
    from signals
    cross join as_of
    where
        signals.signal_at >= cast(
            {{ dbt.dateadd('day', -1 * var('next_best_channel_lookback_days'), 'as_of.as_of_date') }} as timestamp
        )
        and signals.signal_at < cast(as_of.as_of_date as timestamp)
    group by signals.customer_id, signals.order_channel

),

-- customers of the customer marts only (at least one non-cancelled order)
buyers as (
    select distinct customer_id from customer_orders
),

channel_keys as (
    select customer_id, order_channel from order_channels
    union
    select recent_signals.customer_id, recent_signals.order_channel
    from recent_signals
    inner join buyers
        on recent_signals.customer_id = buyers.customer_id
),

combined as (

    select
        channel_keys.customer_id,
        channel_keys.order_channel,
        coalesce(order_channels.net_sales_365d_amount_eur, 0) as net_sales_365d_amount_eur,
        coalesce(order_channels.order_365d_count, 0) as order_365d_count,
        order_channels.last_ordered_at,
        coalesce(recent_signals.journey_signal_count, 0) as journey_signal_count,
        recent_signals.last_signal_at
    from channel_keys
    left join order_channels
        on
            channel_keys.customer_id = order_channels.customer_id
            and channel_keys.order_channel = order_channels.order_channel
    left join recent_signals
        on
            channel_keys.customer_id = recent_signals.customer_id
            and channel_keys.order_channel = recent_signals.order_channel

),

ranked as (

    select
        combined.*,
        case
            when order_365d_count > 0
                then row_number() over (
                    partition by customer_id
                    order by
                        order_365d_count > 0 desc nulls last,
                        net_sales_365d_amount_eur desc nulls last,
                        last_ordered_at desc nulls last,
                        order_channel asc nulls last
                )
        end as preferred_rank,
        case
            when journey_signal_count > 0
                then row_number() over (
                    partition by customer_id
                    order by
                        journey_signal_count desc nulls last,
                        last_signal_at desc nulls last,
                        order_channel asc nulls last
                )
        end as next_best_rank
    from combined

)

select
    {{ dbt.concat(['customer_id', "':'", 'order_channel']) }} as customer_channel_key,
    customer_id,
    order_channel,
    cast(net_sales_365d_amount_eur as decimal(18, 2)) as net_sales_365d_amount_eur,
    cast(order_365d_count as bigint) as order_365d_count,
    last_ordered_at,
    cast(journey_signal_count as bigint) as journey_signal_count,
    last_signal_at,
    cast(preferred_rank as bigint) as preferred_rank,
    cast(next_best_rank as bigint) as next_best_rank
from ranked
