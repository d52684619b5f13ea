-- Units sold per SKU, stock location and UTC day, from every channel's non-cancelled order
-- lines: a store sale at its till's store, an online order (web, app, phone) at the warehouse
-- or store that fulfils it, a marketplace order at the location its shipment left from
-- (the first shipment's origin when the order names no location, the rule of int_orders_unified).
-- The UTC day matches the ERP's daily stock snapshots.
-- Read from the order headers and shipments, not from int_orders_unified: no unified customer is
-- needed here, so the demand forecast built on this model does not wait for the identity graph
-- (in a full build it then runs beside the identity models instead of after them).

with

lines as (
    select order_key, sku, quantity
    from {{ ref('int_order_lines_unified') }}
    where not is_cancelled
),

headers as (
    select order_key, order_channel, order_date, fulfilment_location_id
    from {{ ref('int_order_headers_unioned') }}
    where not is_cancelled
),

shipment_origins as (
    select
        order_key,
        min(origin_location_id) as origin_location_id
    from {{ ref('int_shipments_tracked') }}
    where has_order
    group by order_key
),

orders as (
    select
        headers.order_key,
        headers.order_channel,
        headers.order_date,
        coalesce(headers.fulfilment_location_id, shipment_origins.origin_location_id) as fulfilment_location_id
    from headers
    left join shipment_origins
        on headers.order_key = shipment_origins.order_key
),

located as (

    select
        orders.order_date as sale_date,
        lines.sku,
        orders.fulfilment_location_id as location_id,
        case when orders.order_channel = 'store' then lines.quantity else 0 end as store_units,
        case when orders.order_channel in ('web', 'app', 'phone') then lines.quantity else 0 end as online_units,
        case when orders.order_channel = 'marketplace' then lines.quantity else 0 end as marketplace_units,
        lines.quantity
    from lines
    inner join orders
        on lines.order_key = orders.order_key
    where orders.fulfilment_location_id is not null

),

final as (

    select
        sale_date,
        sku,
        location_id,
        sum(quantity) as units_sold,
        sum(store_units) as store_units_sold,
        sum(online_units) as online_units_sold,
        sum(marketplace_units) as marketplace_units_sold
    from located
    group by sale_date, sku, location_id

)

select
    {{ dbt.concat(['location_id', "'|'", 'sku', "'|'", 'cast(sale_date as ' ~ dbt.type_string() ~ ')']) }}
        as sku_location_day_key,
    sale_date,
    sku,
    location_id,
    cast(units_sold as bigint) as units_sold,
    cast(store_units_sold as bigint) as store_units_sold,
    cast(online_units_sold as bigint) as online_units_sold,
    cast(marketplace_units_sold as bigint) as marketplace_units_sold
from final
