-- One row per order line of every channel, priced in EUR at the order date's rate, with
-- the product's category and ABC class. Booked amounts are zero on cancelled orders.

with

order_lines as (
    select * from {{ ref('int_order_lines_unified') }}
)

select
    order_line_key,
    order_key,
    source_system,
    source_order_line_id,
    order_channel,
    ordered_at,
    order_date,
    is_cancelled,
    sku,
    category_id,
    abc_class,
    cast(quantity as bigint) as quantity,
    currency_code,
    unit_price_eur,
    unit_cost_eur,
    ordered_gross_amount_eur,
    gross_sales_amount_eur,
    discount_amount_eur,
    net_of_discount_amount_eur,
    cogs_amount_eur
from order_lines
