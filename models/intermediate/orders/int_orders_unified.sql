-- One row per order of every channel (web, app, phone, store, marketplace), keyed
-- `<source_system>:<source order id>`, with its money in EUR and what it cost to fulfil.
-- Net sales = gross - discounts - returns, where returns are every return of the order,
-- whichever channel took it and whenever (at the return date's rate); a cancelled order
-- books nothing (all its sales and costs are zero). The unified customer is joined last,
-- from the identity map rebuilt every run, so that a link found today restates history.

with

headers as (
    select
        order_key,
        source_system,
        source_order_id,
        order_channel,
        marketplace,
        ordered_at,
        order_date,
        order_local_date,
        local_store_id,
        store_id,
        fulfilment_location_id,
        fulfilment_method,
        is_cancelled,
        cancel_reason,
        is_cancelled_for_stock,
        currency_code,
        shipping_fee_amount_eur,
        call_id,
        agent_id,
        has_call_centre_record,
        -- the key of a phone order's call-centre record (an equality join, not a nested loop)
        case when order_channel = 'phone' then source_order_id end as phone_order_id
    from {{ ref('int_order_headers_unioned') }}
),

order_lines as (
    select
        order_key,
        quantity,
        ordered_gross_amount_eur,
        gross_sales_amount_eur,
        discount_amount_eur,
        cogs_amount_eur
    from {{ ref('int_order_lines_unified') }}
),

order_returns as (
    select order_key, return_channel, quantity, returned_amount_eur
    from {{ ref('int_returns_linked') }}
    where has_original_order
),

shipments as (
    select order_key, origin_location_id, carrier_cost_amount_eur
    from {{ ref('int_shipments_tracked') }}
    where has_order
),

payments as (
    select order_id, fee_amount_eur from {{ ref('stg_ecommerce__payments') }}
),

marketplace_fees as (
    select marketplace_order_id, fee_type, amount_eur from {{ ref('stg_marketplace__fees') }}
),

cost_rates as (
    select cost_type, applies_to, rate_eur from {{ ref('cost_rates') }}
),

stitched as (
    select source_system, source_table, source_record_id, customer_id
    from {{ ref('int_source_records_stitched') }}
),

line_totals as (

    select
        order_key,
        count(*) as line_count,
        sum(quantity) as units,
        sum(ordered_gross_amount_eur) as ordered_gross_amount_eur,
        sum(gross_sales_amount_eur) as gross_sales_amount_eur,
        sum(discount_amount_eur) as discount_amount_eur,
        sum(cogs_amount_eur) as cogs_amount_eur
    from order_lines
    group by order_key

),

return_totals as (

    select
        order_key,
        count(*) as return_count,
        sum(quantity) as returned_units,
        sum(returned_amount_eur) as returned_amount_eur,
        max(case when return_channel = 'store' then 1 else 0 end) as has_store_return
    from order_returns
    group by order_key

),

shipment_totals as (

    select
        order_key,
        count(*) as shipment_count,
        min(origin_location_id) as origin_location_id,
        sum(carrier_cost_amount_eur) as shipping_cost_amount_eur
    from shipments
    group by order_key

),

payment_totals as (

    select
        {{ order_key('ecommerce', 'order_id') }} as order_key,
        sum(fee_amount_eur) as payment_fee_amount_eur
    from payments
    group by order_id

),

marketplace_fee_totals as (

    select
        {{ order_key('marketplace', 'marketplace_order_id') }} as order_key,
        sum(case when fee_type = 'commission' then amount_eur else 0 end) as marketplace_commission_amount_eur,
        sum(case when fee_type = 'fulfilment' then amount_eur else 0 end) as marketplace_fulfilment_fee_amount_eur
    from marketplace_fees
    group by marketplace_order_id

),

handling_rates as (

    select
        applies_to as fulfilment_method,
        sum(case when cost_type = 'picking' then rate_eur else 0 end) as picking_rate_eur,
        sum(case when cost_type = 'packaging' then rate_eur else 0 end) as packaging_rate_eur
    from cost_rates
    group by applies_to

),

-- the record each order system's identity edges were built from
customer_records as (

    select
        {{ order_key('ecommerce', 'source_record_id') }} as order_key,
        customer_id
    from stitched
    where source_system = 'ecommerce' and source_table = 'orders'

    union all

    select
        {{ order_key('store_pos', 'source_record_id') }} as order_key,
        customer_id
    from stitched
    where source_system = 'store_pos' and source_table = 'transactions'

    union all

    select
        {{ order_key('marketplace', 'source_record_id') }} as order_key,
        customer_id
    from stitched
    where source_system = 'marketplace' and source_table = 'orders'

),

-- a phone order also has the call centre's record (caller phone, account used)
phone_customer_records as (

    select
        source_record_id as phone_order_id,
        customer_id
    from stitched
    where source_system = 'call_centre' and source_table = 'phone_orders'

),

zero as (
    select cast(0 as decimal(18, 2)) as amount_eur
),

combined as (

    select
        headers.order_key,
        headers.source_system,
        headers.source_order_id,
        headers.order_channel,
        headers.marketplace,
        headers.ordered_at,
        headers.order_date,
        headers.order_local_date,
        headers.local_store_id,
        headers.store_id,
        coalesce(headers.fulfilment_location_id, shipment_totals.origin_location_id) as fulfilment_location_id,
        headers.fulfilment_method,
        headers.is_cancelled,
        headers.cancel_reason,
        headers.is_cancelled_for_stock,
        headers.currency_code,
        headers.call_id,
        headers.agent_id,
        headers.has_call_centre_record,
        coalesce(line_totals.line_count, 0) as line_count,
        coalesce(line_totals.units, 0) as units,
        coalesce(return_totals.return_count, 0) as return_count,
        coalesce(return_totals.returned_units, 0) as returned_units,
        coalesce(return_totals.has_store_return, 0) = 1 as has_store_return,
        coalesce(shipment_totals.shipment_count, 0) as shipment_count,
        coalesce(line_totals.ordered_gross_amount_eur, zero.amount_eur) as ordered_gross_amount_eur,
        coalesce(line_totals.gross_sales_amount_eur, zero.amount_eur) as gross_sales_amount_eur,
        coalesce(line_totals.discount_amount_eur, zero.amount_eur) as discount_amount_eur,
        case
            when headers.is_cancelled then zero.amount_eur
            else coalesce(return_totals.returned_amount_eur, zero.amount_eur)
        end as returned_amount_eur,
        coalesce(line_totals.cogs_amount_eur, zero.amount_eur) as cogs_amount_eur,
        case
            when headers.is_cancelled then zero.amount_eur
            else coalesce(headers.shipping_fee_amount_eur, zero.amount_eur)
        end as shipping_fee_amount_eur,
        coalesce(shipment_totals.shipping_cost_amount_eur, zero.amount_eur) as shipping_cost_amount_eur,
        case
            when headers.is_cancelled then zero.amount_eur
            else coalesce(handling_rates.picking_rate_eur, zero.amount_eur)
        end as picking_cost_amount_eur,
        case
            when headers.is_cancelled then zero.amount_eur
            else coalesce(handling_rates.packaging_rate_eur, zero.amount_eur)
        end as packaging_cost_amount_eur,
        coalesce(marketplace_fee_totals.marketplace_fulfilment_fee_amount_eur, zero.amount_eur)
            as marketplace_fulfilment_fee_amount_eur,
        coalesce(payment_totals.payment_fee_amount_eur, zero.amount_eur) as payment_fee_amount_eur,
        coalesce(marketplace_fee_totals.marketplace_commission_amount_eur, zero.amount_eur)
            as marketplace_commission_amount_eur,
        coalesce(customer_records.customer_id, phone_customer_records.customer_id) as customer_id
    from headers
    cross join zero
    left join line_totals
        on headers.order_key = line_totals.order_key
    left join return_totals
        on headers.order_key = return_totals.order_key
    left join shipment_totals
        on headers.order_key = shipment_totals.order_key
    left join payment_totals
        on headers.order_key = payment_totals.order_key
    left join marketplace_fee_totals
        on headers.order_key = marketplace_fee_totals.order_key
    left join handling_rates
        on headers.fulfilment_method = handling_rates.fulfilment_method
    left join customer_records
        on headers.order_key = customer_records.order_key
    left join phone_customer_records
        on headers.phone_order_id = phone_customer_records.phone_order_id

),

final as (

    select
        combined.*,
        gross_sales_amount_eur - discount_amount_eur - returned_amount_eur as net_sales_amount_eur,
        shipping_cost_amount_eur
        + picking_cost_amount_eur
        + packaging_cost_amount_eur
        + marketplace_fulfilment_fee_amount_eur as fulfilment_cost_amount_eur
    from combined

)

select
    order_key,
    source_system,
    source_order_id,
    order_channel,
    marketplace,
    customer_id,
    customer_id is null as is_anonymous,
    ordered_at,
    order_date,
    order_local_date,
    local_store_id,
    store_id,
    fulfilment_location_id,
    fulfilment_method,
    is_cancelled,
    cancel_reason,
    is_cancelled_for_stock,
    currency_code,
    cast(line_count as bigint) as line_count,
    cast(units as bigint) as units,
    cast(return_count as bigint) as return_count,
    cast(returned_units as bigint) as returned_units,
    has_store_return,
    cast(shipment_count as bigint) as shipment_count,
    call_id,
    agent_id,
    has_call_centre_record,
    cast(ordered_gross_amount_eur as decimal(18, 2)) as ordered_gross_amount_eur,
    cast(gross_sales_amount_eur as decimal(18, 2)) as gross_sales_amount_eur,
    cast(discount_amount_eur as decimal(18, 2)) as discount_amount_eur,
    cast(returned_amount_eur as decimal(18, 2)) as returned_amount_eur,
    cast(net_sales_amount_eur as decimal(18, 2)) as net_sales_amount_eur,
    cast(cogs_amount_eur as decimal(18, 2)) as cogs_amount_eur,
    cast(net_sales_amount_eur - cogs_amount_eur as decimal(18, 2)) as cm1_amount_eur,
    cast(shipping_fee_amount_eur as decimal(18, 2)) as shipping_fee_amount_eur,
    cast(shipping_cost_amount_eur as decimal(18, 2)) as shipping_cost_amount_eur,
    cast(picking_cost_amount_eur as decimal(18, 2)) as picking_cost_amount_eur,
    cast(packaging_cost_amount_eur as decimal(18, 2)) as packaging_cost_amount_eur,
    cast(marketplace_fulfilment_fee_amount_eur as decimal(18, 2)) as marketplace_fulfilment_fee_amount_eur,
    cast(fulfilment_cost_amount_eur as decimal(18, 2)) as fulfilment_cost_amount_eur,
    cast(payment_fee_amount_eur as decimal(18, 2)) as payment_fee_amount_eur,
    cast(marketplace_commission_amount_eur as decimal(18, 2)) as marketplace_commission_amount_eur,
    cast(
        net_sales_amount_eur
        - cogs_amount_eur
        - fulfilment_cost_amount_eur
        - payment_fee_amount_eur
        - marketplace_commission_amount_eur as decimal(18, 2)
    ) as cm2_amount_eur
from final
