-- One row per SKU x stock location x day of the ERP's end-of-day stock snapshots: on hand,
-- reserved, available, units sold from every channel (stores by store, online and
-- marketplace orders by fulfilling location), units received, and the trailing demand
-- window (var demand_window_days, 28) behind days of supply and the reorder point
-- d x L + z x sigma_d x sqrt(L) (metrics.md, Inventory). The window counts rows, so it
-- relies on a snapshot for every day of a SKU-location, as the ERP writes them; the
-- window statistics are null until it is full.

{%- set window_days = var('demand_window_days', 28) %}

with

snapshots as (
    select snapshot_date, sku, location_id, on_hand_units, reserved_units
    from {{ ref('stg_erp__stock_snapshots') }}
),

products as (
    select sku, category_id, abc_class, supplier_id from {{ ref('stg_erp__products') }}
),

suppliers as (
    select supplier_id, lead_time_days from {{ ref('stg_erp__supplier_lead_times') }}
),

stores as (
    select store_id from {{ ref('stores') }}
),

sales as (
    select sale_date, sku, location_id, units_sold, store_units_sold, online_units_sold, marketplace_units_sold
    from {{ ref('int_inventory_sales_located') }}
),

receipts as (
    select
        cast(received_at as date) as received_date,
        sku,
        location_id,
        sum(quantity) as units_received
    from {{ ref('stg_erp__receipts') }}
    group by cast(received_at as date), sku, location_id
),

joined as (

    select
        snapshots.snapshot_date,
        snapshots.sku,
        snapshots.location_id,
        case when stores.store_id is null then 'warehouse' else 'store' end as location_type,
        products.category_id,
        products.abc_class,
        suppliers.lead_time_days as supplier_lead_time_days,
        snapshots.on_hand_units,
        snapshots.reserved_units,
        case
            when snapshots.on_hand_units - snapshots.reserved_units > 0
                then snapshots.on_hand_units - snapshots.reserved_units
            else 0
        end as available_units,
        coalesce(sales.units_sold, 0) as units_sold,
        coalesce(sales.store_units_sold, 0) as store_units_sold,
        coalesce(sales.online_units_sold, 0) as online_units_sold,
        coalesce(sales.marketplace_units_sold, 0) as marketplace_units_sold,
        coalesce(receipts.units_received, 0) as units_received
    from snapshots
    left join products
        on snapshots.sku = products.sku
    left join suppliers
        on products.supplier_id = suppliers.supplier_id
    left join stores
        on snapshots.location_id = stores.store_id
    left join sales
        on
            snapshots.snapshot_date = sales.sale_date
            and snapshots.sku = sales.sku
            and snapshots.location_id = sales.location_id
    left join receipts
        on
            snapshots.snapshot_date = receipts.received_date
            and snapshots.sku = receipts.sku
            and snapshots.location_id = receipts.location_id

),

windowed as (

    select
        joined.*,
        lag(on_hand_units) over (
            partition by sku, location_id order by snapshot_date asc nulls last
        ) as previous_on_hand_units,
        count(*) over (
            partition by sku, location_id order by snapshot_date asc nulls last
            rows between {{ window_days - 1 }} preceding and current row
        ) as demand_window_day_count,
        avg(cast(units_sold as double)) over (
            partition by sku, location_id order by snapshot_date asc nulls last
            rows between {{ window_days - 1 }} preceding and current row
        ) as window_mean_units_sold,
        stddev_samp(cast(units_sold as double)) over (
            partition by sku, location_id order by snapshot_date asc nulls last
            rows between {{ window_days - 1 }} preceding and current row
        ) as window_stddev_units_sold
    from joined

),

planned as (

    select
        windowed.*,
        -- the first snapshot has no previous day: rebuild its opening stock from its moves
        coalesce(previous_on_hand_units, on_hand_units + units_sold - units_received) as opening_on_hand_units,
        case when demand_window_day_count = {{ window_days }} then window_mean_units_sold end
            as avg_daily_units_sold,
        case when demand_window_day_count = {{ window_days }} then window_stddev_units_sold end
            as stddev_daily_units_sold
    from windowed

),

final as (

    select
        planned.*,
        {{ reorder_point('avg_daily_units_sold', 'stddev_daily_units_sold', 'supplier_lead_time_days') }}
            as reorder_point_units
    from planned

)

select
    {{ dbt.concat(['location_id', "'|'", 'sku', "'|'", 'cast(snapshot_date as ' ~ dbt.type_string() ~ ')']) }}
        as sku_location_day_key,
    snapshot_date,
    sku,
    location_id,
    location_type,
    category_id,
    abc_class,
    cast(supplier_lead_time_days as integer) as supplier_lead_time_days,
    cast(opening_on_hand_units as bigint) as opening_on_hand_units,
    cast(on_hand_units as bigint) as on_hand_units,
    cast(reserved_units as bigint) as reserved_units,
    cast(available_units as bigint) as available_units,
    available_units = 0 as is_stocked_out,
    cast(units_sold as bigint) as units_sold,
    cast(store_units_sold as bigint) as store_units_sold,
    cast(online_units_sold as bigint) as online_units_sold,
    cast(marketplace_units_sold as bigint) as marketplace_units_sold,
    cast(units_received as bigint) as units_received,
    cast(avg_daily_units_sold as double) as avg_daily_units_sold,
    cast(stddev_daily_units_sold as double) as stddev_daily_units_sold,
    cast(available_units as bigint) as days_of_supply_numerator,
    cast(avg_daily_units_sold as double) as days_of_supply_denominator,
    {{ ratio_or_null('available_units', 'avg_daily_units_sold') }} as days_of_supply,
    cast(reorder_point_units as double) as reorder_point_units,
    coalesce(available_units < reorder_point_units, false) as is_below_reorder_point
from final
