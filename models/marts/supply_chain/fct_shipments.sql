-- One row per fulfilment shipment (BOPIS parcels included) with its delivery status as of
-- the as-of date (var delivery_as_of_date, default the latest date in the fulfilment data):
-- due when the ORIGINAL promised date has passed (<= as-of date); on time when delivered
-- (ready for pick-up, for BOPIS) on or before that original promise; a shipment not delivered
-- by its promise is late from that date on, and a reschedule never resets the clock.
-- OTIF adds every ordered unit delivered. Lead times in hours.

{%- set override = var('delivery_as_of_date', none) %}
{%- set as_of_override = "'" ~ override ~ "'" if override else 'null' %}

with

shipments as (
    select
        shipment_id,
        order_key,
        order_channel,
        carrier,
        fulfilment_method,
        origin_location_id,
        ordered_at,
        order_date,
        shipped_at,
        ready_for_pickup_at,
        delivered_at,
        delivered_date,
        delivered_or_ready_at,
        delivered_or_ready_date,
        original_promised_date,
        latest_promised_date,
        reschedule_count,
        units_ordered,
        units_shipped,
        units_delivered,
        carrier_cost_amount_eur,
        last_tracking_event_at,
        created_at
    from {{ ref('int_shipments_tracked') }}
),

as_of as (

    select
        coalesce(
            cast({{ as_of_override }} as date),
            cast(greatest(max(created_at), max(coalesce(last_tracking_event_at, created_at))) as date)
        ) as as_of_date
    from shipments

),

-- what was known at the end of the as-of date
known as (

    select
        shipments.*,
        as_of.as_of_date,
        shipments.original_promised_date <= as_of.as_of_date as is_due,
        case
            when shipments.delivered_or_ready_date <= as_of.as_of_date then shipments.delivered_or_ready_date
        end as known_delivered_or_ready_date,
        case when shipments.delivered_date <= as_of.as_of_date then shipments.delivered_date end
            as known_delivered_date,
        case
            when shipments.delivered_date <= as_of.as_of_date then shipments.units_delivered else 0
        end as known_units_delivered
    from shipments
    cross join as_of
    where cast(shipments.created_at as date) <= as_of.as_of_date

),

judged as (

    select
        known.*,
        coalesce(known.is_due and known.known_delivered_or_ready_date <= known.original_promised_date, false)
            as is_on_time,
        coalesce(known.is_due and known.known_delivered_date <= known.original_promised_date, false)
            as is_handed_over_on_time,
        coalesce(known.known_units_delivered >= known.units_ordered and known.known_delivered_date is not null, false)
            as is_in_full
    from known

)

select
    shipment_id,
    order_key,
    coalesce(order_channel, 'unknown') as order_channel,
    carrier,
    fulfilment_method,
    origin_location_id,
    ordered_at,
    order_date,
    shipped_at,
    ready_for_pickup_at,
    delivered_at,
    delivered_date,
    delivered_or_ready_date,
    original_promised_date,
    latest_promised_date,
    cast(reschedule_count as bigint) as reschedule_count,
    cast(units_ordered as bigint) as units_ordered,
    cast(units_shipped as bigint) as units_shipped,
    cast(known_units_delivered as bigint) as units_delivered,
    as_of_date,
    is_due,
    is_on_time,
    is_due and not is_on_time as is_late,
    is_handed_over_on_time,
    is_in_full,
    is_on_time and is_in_full as is_on_time_in_full,
    is_handed_over_on_time and is_in_full as is_handed_over_on_time_in_full,
    cast({{ dbt.datediff('ordered_at', 'shipped_at', 'second') }} / cast(3600 as double) as double) as order_to_ship_hours,
    case
        when fulfilment_method != 'bopis' and known_delivered_date is not null
            then cast({{ dbt.datediff('shipped_at', 'delivered_at', 'second') }} / cast(3600 as double) as double)
    end as ship_to_delivery_hours,
    case
        when fulfilment_method = 'bopis' and known_delivered_or_ready_date is not null
            then cast({{ dbt.datediff('ordered_at', 'ready_for_pickup_at', 'second') }} / cast(3600 as double) as double)
    end as click_to_collect_hours,
    cast(carrier_cost_amount_eur as decimal(18, 2)) as carrier_cost_amount_eur
from judged
