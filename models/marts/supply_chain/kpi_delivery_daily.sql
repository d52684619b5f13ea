-- Delivery KPIs per due day (the ORIGINAL promised date) x order channel x carrier x
-- fulfilment method x origin location, as of the as-of date of fct_shipments.
-- OTD = shipments on time / shipments due (promise passed by the as-of date); OTIF = on time
-- with every ordered unit / same denominator. A day whose promise is still ahead has no due
-- shipment and a null rate. Lead times are averages published with their sums and counts.

with

shipments as (
    select
        original_promised_date,
        order_channel,
        carrier,
        fulfilment_method,
        origin_location_id,
        as_of_date,
        is_due,
        is_on_time,
        is_on_time_in_full,
        is_handed_over_on_time,
        is_handed_over_on_time_in_full,
        reschedule_count,
        order_to_ship_hours,
        ship_to_delivery_hours,
        click_to_collect_hours
    from {{ ref('fct_shipments') }}
),

counted as (

    select
        original_promised_date,
        order_channel,
        carrier,
        fulfilment_method,
        coalesce(origin_location_id, 'unknown') as origin_location_id,
        max(as_of_date) as as_of_date,
        count(*) as shipment_count,
        sum(case when is_due then 1 else 0 end) as due_shipment_count,
        sum(case when is_on_time then 1 else 0 end) as on_time_shipment_count,
        sum(case when is_on_time_in_full then 1 else 0 end) as on_time_in_full_shipment_count,
        sum(case when is_handed_over_on_time then 1 else 0 end) as handed_over_on_time_shipment_count,
        sum(case when is_handed_over_on_time_in_full then 1 else 0 end)
            as handed_over_on_time_in_full_shipment_count,
        sum(case when reschedule_count > 0 then 1 else 0 end) as rescheduled_shipment_count,
        coalesce(sum(order_to_ship_hours), 0) as order_to_ship_hours_sum,
        count(order_to_ship_hours) as order_to_ship_count,
        coalesce(sum(ship_to_delivery_hours), 0) as ship_to_delivery_hours_sum,
        count(ship_to_delivery_hours) as ship_to_delivery_count,
        coalesce(sum(click_to_collect_hours), 0) as click_to_collect_hours_sum,
        count(click_to_collect_hours) as click_to_collect_count
    from shipments
    group by
        original_promised_date,
        order_channel,
        carrier,
        fulfilment_method,
        coalesce(origin_location_id, 'unknown')

)

select
    original_promised_date as due_date,
    order_channel,
    carrier,
    fulfilment_method,
    origin_location_id,
    as_of_date,
    cast(shipment_count as bigint) as shipment_count,
    cast(rescheduled_shipment_count as bigint) as rescheduled_shipment_count,
    cast(on_time_shipment_count as bigint) as otd_rate_numerator,
    cast(due_shipment_count as bigint) as otd_rate_denominator,
    {{ ratio_or_null('on_time_shipment_count', 'due_shipment_count') }} as otd_rate,
    cast(on_time_in_full_shipment_count as bigint) as otif_rate_numerator,
    cast(due_shipment_count as bigint) as otif_rate_denominator,
    {{ ratio_or_null('on_time_in_full_shipment_count', 'due_shipment_count') }} as otif_rate,
    cast(handed_over_on_time_shipment_count as bigint) as handed_over_on_time_shipment_count,
    cast(handed_over_on_time_in_full_shipment_count as bigint) as handed_over_on_time_in_full_shipment_count,
    cast(order_to_ship_hours_sum as double) as avg_order_to_ship_hours_numerator,
    cast(order_to_ship_count as bigint) as avg_order_to_ship_hours_denominator,
    {{ ratio_or_null('order_to_ship_hours_sum', 'order_to_ship_count') }} as avg_order_to_ship_hours,
    cast(ship_to_delivery_hours_sum as double) as avg_ship_to_delivery_hours_numerator,
    cast(ship_to_delivery_count as bigint) as avg_ship_to_delivery_hours_denominator,
    {{ ratio_or_null('ship_to_delivery_hours_sum', 'ship_to_delivery_count') }} as avg_ship_to_delivery_hours,
    cast(click_to_collect_hours_sum as double) as avg_click_to_collect_hours_numerator,
    cast(click_to_collect_count as bigint) as avg_click_to_collect_hours_denominator,
    {{ ratio_or_null('click_to_collect_hours_sum', 'click_to_collect_count') }} as avg_click_to_collect_hours
from counted
