-- The closed web and app funnel (metrics.md) per UTC session day, platform and GA4 default
-- channel group: session -> product view -> add to cart -> checkout -> purchase, a step counted
-- only when the session also reached every earlier step. Counts never increase down the funnel
-- (tested); each step's rate is its count over the previous step's.

with

sessions as (

    select
        session_date,
        platform,
        default_channel_group,
        has_product_view,
        has_add_to_cart,
        has_checkout,
        has_purchase
    from {{ ref('int_sessions_rebuilt') }}

),

closed_steps as (

    select
        session_date,
        platform,
        default_channel_group,
        has_product_view as reached_product_view,
        has_product_view and has_add_to_cart as reached_add_to_cart,
        has_product_view and has_add_to_cart and has_checkout as reached_checkout,
        has_product_view and has_add_to_cart and has_checkout and has_purchase as reached_purchase
    from sessions

),

daily as (

    select
        session_date,
        platform,
        default_channel_group,
        count(*) as session_count,
        sum(case when reached_product_view then 1 else 0 end) as product_view_session_count,
        sum(case when reached_add_to_cart then 1 else 0 end) as add_to_cart_session_count,
        sum(case when reached_checkout then 1 else 0 end) as checkout_session_count,
        sum(case when reached_purchase then 1 else 0 end) as purchase_session_count
    from closed_steps
    group by session_date, platform, default_channel_group

),

final as (

    select
        cast(session_date as date) as session_date,
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(default_channel_group as {{ dbt.type_string() }}) as default_channel_group,
        cast(session_count as bigint) as session_count,
        cast(product_view_session_count as bigint) as product_view_session_count,
        cast(add_to_cart_session_count as bigint) as add_to_cart_session_count,
        cast(checkout_session_count as bigint) as checkout_session_count,
        cast(purchase_session_count as bigint) as purchase_session_count,
        cast(product_view_session_count as bigint) as product_view_rate_numerator,
        cast(session_count as bigint) as product_view_rate_denominator,
        {{ ratio_or_null('product_view_session_count', 'session_count') }} as product_view_rate,
        cast(add_to_cart_session_count as bigint) as add_to_cart_rate_numerator,
        cast(product_view_session_count as bigint) as add_to_cart_rate_denominator,
        {{ ratio_or_null('add_to_cart_session_count', 'product_view_session_count') }} as add_to_cart_rate,
        cast(checkout_session_count as bigint) as checkout_rate_numerator,
        cast(add_to_cart_session_count as bigint) as checkout_rate_denominator,
        {{ ratio_or_null('checkout_session_count', 'add_to_cart_session_count') }} as checkout_rate,
        cast(purchase_session_count as bigint) as purchase_rate_numerator,
        cast(checkout_session_count as bigint) as purchase_rate_denominator,
        {{ ratio_or_null('purchase_session_count', 'checkout_session_count') }} as purchase_rate
    from daily

)

select
    session_date,
    platform,
    default_channel_group,
    session_count,
    product_view_session_count,
    add_to_cart_session_count,
    checkout_session_count,
    purchase_session_count,
    product_view_rate_numerator,
    product_view_rate_denominator,
    product_view_rate,
    add_to_cart_rate_numerator,
    add_to_cart_rate_denominator,
    add_to_cart_rate,
    checkout_rate_numerator,
    checkout_rate_denominator,
    checkout_rate,
    purchase_rate_numerator,
    purchase_rate_denominator,
    purchase_rate
from final
