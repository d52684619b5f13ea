-- One row per conversion and marketing touch in its 30-day lookback (metrics.md, Attribution):
-- a conversion is a non-cancelled order of any channel; its touches are the customer's ad
-- clicks, email and SMS clicks, non-direct sessions (organic, referral, social, display, paid)
-- and store visits detected by the app's geofence, touched at or before the order and no more
-- than 30 days before it (loyalty scans at the till are the purchase itself, calls are service,
-- direct sessions are no touch). A conversion with no touch (anonymous, or no touch in the
-- window) has one row with a null touch: it goes to `unattributed`.

{%- set lookback_days = 30 %}

with

orders as (
    select order_key, order_channel, ordered_at, order_date, customer_id, net_sales_amount_eur, cm2_amount_eur
    from {{ ref('int_orders_unified') }}
    where not is_cancelled
),

touchpoints as (
    select
        touchpoint_key,
        touchpoint_type,
        default_channel_group,
        customer_id,
        campaign_id,
        touched_at
    from {{ ref('int_touchpoints_unified') }}
    where
        customer_id is not null
        and touchpoint_type in ('ad_click', 'email_click', 'sms_click', 'session', 'store_visit_geofence')
),

windowed as (

    select
        orders.order_key,
        touchpoints.touchpoint_key,
        touchpoints.touchpoint_type,
        case
            when touchpoints.touchpoint_type = 'store_visit_geofence' then 'Store Visit'
            else coalesce(touchpoints.default_channel_group, 'Unassigned')
        end as attribution_channel,
        touchpoints.campaign_id,
        touchpoints.touched_at,
        {{ dbt.datediff('touchpoints.touched_at', 'orders.ordered_at', 'second') }} as seconds_before_conversion
    from orders
    inner join touchpoints
        on
            orders.customer_id = touchpoints.customer_id
            and orders.ordered_at >= touchpoints.touched_at
            and touchpoints.touched_at >= {{ dbt.dateadd('day', -lookback_days, 'orders.ordered_at') }}

),

positioned as (

    select
        windowed.*,
        row_number() over (
            partition by order_key order by touched_at asc nulls last, touchpoint_key asc nulls last
        ) as touch_position,
        count(*) over (partition by order_key) as path_length
    from windowed

)

select
    {{ dbt.concat(["orders.order_key", "'|'", "coalesce(positioned.touchpoint_key, 'unattributed')"]) }}
        as conversion_touch_key,
    orders.order_key,
    orders.order_channel,
    orders.ordered_at,
    orders.order_date,
    orders.customer_id,
    orders.net_sales_amount_eur,
    orders.cm2_amount_eur,
    positioned.touchpoint_key,
    positioned.touchpoint_type,
    coalesce(positioned.attribution_channel, 'unattributed') as attribution_channel,
    positioned.campaign_id,
    positioned.touched_at,
    cast(positioned.seconds_before_conversion as bigint) as seconds_before_conversion,
    cast(positioned.touch_position as integer) as touch_position,
    cast(coalesce(positioned.path_length, 0) as integer) as path_length
from orders
left join positioned
    on orders.order_key = positioned.order_key
