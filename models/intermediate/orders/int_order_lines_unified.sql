-- One row per order line of every order system, priced in EUR line by line at the
-- rate of the order's (UTC) date and rounded once per amount (half away from zero),
-- as the truth does. Booked amounts are zero on cancelled orders; the value that was
-- ordered stays in ordered_gross_amount_eur.

with

headers as (
    select
        order_key,
        source_system,
        source_order_id,
        order_channel,
        ordered_at,
        order_date,
        is_cancelled,
        currency_code,
        eur_per_unit
    from {{ ref('int_order_headers_unioned') }}
),

shop_lines as (
    select order_line_id, order_id, sku, quantity, unit_price, discount_amount
    from {{ ref('stg_ecommerce__order_lines') }}
),

pos_lines as (
    select transaction_line_id, transaction_id, sku, quantity, unit_price, discount_amount
    from {{ ref('stg_store_pos__transaction_lines') }}
),

marketplace_lines as (
    select marketplace_order_line_id, marketplace_order_id, sku, quantity, unit_price, discount_amount
    from {{ ref('stg_marketplace__order_lines') }}
),

products as (
    select sku, category_id, abc_class, unit_cost_eur from {{ ref('stg_erp__products') }}
),

lines as (

    select
        {{ order_key('ecommerce', 'order_line_id') }} as order_line_key,
        {{ order_key('ecommerce', 'order_id') }} as order_key,
        'ecommerce' as source_system,
        order_id as source_order_id,
        order_line_id as source_order_line_id,
        sku,
        quantity,
        unit_price,
        discount_amount
    from shop_lines

    union all

    select
        {{ order_key('store_pos', 'transaction_line_id') }} as order_line_key,
        {{ order_key('store_pos', 'transaction_id') }} as order_key,
        'store_pos' as source_system,
        transaction_id as source_order_id,
        transaction_line_id as source_order_line_id,
        sku,
        quantity,
        unit_price,
        discount_amount
    from pos_lines

    union all

    select
        {{ order_key('marketplace', 'marketplace_order_line_id') }} as order_line_key,
        {{ order_key('marketplace', 'marketplace_order_id') }} as order_key,
        'marketplace' as source_system,
        marketplace_order_id as source_order_id,
        marketplace_order_line_id as source_order_line_id,
        sku,
        quantity,
        unit_price,
        discount_amount
    from marketplace_lines

),

priced as (

    select
        lines.order_line_key,
        lines.order_key,
        lines.source_system,
        lines.source_order_id,
        lines.source_order_line_id,
        headers.order_channel,
        headers.ordered_at,
        headers.order_date,
        coalesce(headers.is_cancelled, false) as is_cancelled,
        headers.order_key is not null as has_order_header,
        lines.sku,
        products.category_id,
        products.abc_class,
        lines.quantity,
        headers.currency_code,
        lines.unit_price,
        lines.discount_amount,
        headers.eur_per_unit,
        {{ to_eur('lines.unit_price', 'headers.eur_per_unit') }} as unit_price_eur,
        {{ to_eur('lines.unit_price * lines.quantity', 'headers.eur_per_unit') }} as ordered_gross_amount_eur,
        {{ to_eur('lines.discount_amount', 'headers.eur_per_unit') }} as ordered_discount_amount_eur,
        cast(products.unit_cost_eur as decimal(18, 2)) as unit_cost_eur,
        cast(round(cast(products.unit_cost_eur as double) * lines.quantity, 2) as decimal(18, 2)) as ordered_cogs_amount_eur
    from lines
    left join headers
        on lines.order_key = headers.order_key
    left join products
        on lines.sku = products.sku

),

final as (

    select
        order_line_key,
        order_key,
        source_system,
        source_order_id,
        source_order_line_id,
        order_channel,
        ordered_at,
        order_date,
        is_cancelled,
        has_order_header,
        sku,
        category_id,
        abc_class,
        quantity,
        currency_code,
        unit_price,
        discount_amount,
        eur_per_unit,
        unit_price_eur,
        unit_cost_eur,
        ordered_gross_amount_eur,
        case when is_cancelled then cast(0 as decimal(18, 2)) else ordered_gross_amount_eur end as gross_sales_amount_eur,
        case when is_cancelled then cast(0 as decimal(18, 2)) else ordered_discount_amount_eur end as discount_amount_eur,
        case
            when is_cancelled then cast(0 as decimal(18, 2))
            else cast(ordered_gross_amount_eur - ordered_discount_amount_eur as decimal(18, 2))
        end as net_of_discount_amount_eur,
        case when is_cancelled then cast(0 as decimal(18, 2)) else ordered_cogs_amount_eur end as cogs_amount_eur
    from priced

)

select
    order_line_key,
    order_key,
    source_system,
    source_order_id,
    source_order_line_id,
    order_channel,
    ordered_at,
    order_date,
    is_cancelled,
    has_order_header,
    sku,
    category_id,
    abc_class,
    quantity,
    currency_code,
    unit_price,
    discount_amount,
    eur_per_unit,
    unit_price_eur,
    unit_cost_eur,
    ordered_gross_amount_eur,
    gross_sales_amount_eur,
    discount_amount_eur,
    net_of_discount_amount_eur,
    cogs_amount_eur
from final
