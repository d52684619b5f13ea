-- One row per unified customer (identity graph) with at least one non-cancelled order. No PII:
-- the key is the identity graph's hashed customer_id, every other column is derived.

with

customers as (
    select * from {{ ref('int_customers_aggregated') }}
)

select
    customer_id,
    as_of_date,
    first_ordered_at,
    last_ordered_at,
    first_order_date,
    last_order_date,
    cohort_month,
    first_order_channel,
    order_count,
    order_count_365d,
    has_web_orders,
    has_app_orders,
    has_phone_orders,
    has_store_orders,
    has_marketplace_orders,
    channel_count,
    channel_count_365d,
    is_omnichannel,
    has_ordered_365d,
    is_loyalty_member,
    loyalty_tier,
    lifetime_net_sales_amount_eur,
    lifetime_cm2_amount_eur,
    net_sales_365d_amount_eur,
    historical_clv_12m_amount_eur,
    historical_clv_24m_amount_eur,
    is_first_order_365_days_old,
    has_repeat_within_365_days
from customers
