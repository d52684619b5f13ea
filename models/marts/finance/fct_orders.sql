-- One row per order of every channel, with its money in EUR and its margins down to CM2:
-- the finance fact of the unified orders layer (int_orders_unified), with an explicit
-- contract and no PII (the customer is the unified, hashed customer_id).

with

orders as (
    select * from {{ ref('int_orders_unified') }}
)

select
    order_key,
    source_system,
    source_order_id,
    order_channel,
    marketplace,
    customer_id,
    is_anonymous,
    ordered_at,
    order_date,
    order_local_date,
    store_id,
    fulfilment_location_id,
    fulfilment_method,
    is_cancelled,
    cancel_reason,
    is_cancelled_for_stock,
    currency_code,
    line_count,
    units,
    return_count,
    returned_units,
    has_store_return,
    shipment_count,
    ordered_gross_amount_eur,
    gross_sales_amount_eur,
    discount_amount_eur,
    returned_amount_eur,
    net_sales_amount_eur,
    cogs_amount_eur,
    cm1_amount_eur,
    shipping_fee_amount_eur,
    shipping_cost_amount_eur,
    picking_cost_amount_eur,
    packaging_cost_amount_eur,
    marketplace_fulfilment_fee_amount_eur,
    fulfilment_cost_amount_eur,
    payment_fee_amount_eur,
    marketplace_commission_amount_eur,
    cm2_amount_eur
from orders
