-- One row per fulfilment shipment (or BOPIS pick-up parcel), joined to its order and
-- summarised from its carrier tracking events: when it shipped, was ready for pick-up and
-- was delivered, the ORIGINAL promise (never reset by a reschedule), the latest promise and
-- how often it moved, and the units ordered, shipped and delivered. These are the as-of
-- inputs of the delivery KPIs (OTD, OTIF), which are computed downstream.

with

shipments as (
    select
        shipment_id,
        order_ref,
        carrier,
        fulfilment_method,
        origin_location_id,
        created_at,
        shipped_at,
        promised_date,
        units_ordered,
        units_shipped
    from {{ ref('stg_fulfilment__shipments') }}
),

tracking_events as (
    select shipment_id, event_type, event_at, new_promised_date, units_delivered
    from {{ ref('stg_fulfilment__tracking_events') }}
),

headers as (
    select order_key, source_system, source_order_id, order_channel, ordered_at, order_date
    from {{ ref('int_order_headers_unioned') }}
    where source_system in ('ecommerce', 'marketplace')
),

carriers as (
    select carrier_code, cost_per_shipment_eur from {{ ref('carriers') }}
),

milestones as (

    select
        shipment_id,
        count(*) as tracking_event_count,
        min(case when event_type = 'in_transit' then event_at end) as in_transit_at,
        min(case when event_type = 'ready_for_pickup' then event_at end) as ready_for_pickup_at,
        min(case when event_type in ('delivered', 'picked_up') then event_at end) as delivered_at,
        sum(case when event_type in ('delivered', 'picked_up') then units_delivered end) as units_delivered,
        sum(case when event_type = 'promise_updated' then 1 else 0 end) as reschedule_count,
        max(case when event_type = 'promise_updated' then event_at end) as last_rescheduled_at,
        max(event_at) as last_tracking_event_at
    from tracking_events
    group by shipment_id

),

latest_promises as (

    select
        shipment_id,
        new_promised_date,
        row_number() over (
            partition by shipment_id
            order by event_at desc nulls last, new_promised_date desc nulls last
        ) as promise_rank
    from tracking_events
    where event_type = 'promise_updated' and new_promised_date is not null

),

-- an order_ref is a shop order id or a marketplace order id
order_matches as (

    select
        shipments.shipment_id,
        headers.order_key,
        headers.order_channel,
        headers.ordered_at,
        headers.order_date,
        row_number() over (
            partition by shipments.shipment_id
            order by headers.source_system asc nulls last
        ) as match_rank
    from shipments
    inner join headers
        on shipments.order_ref = headers.source_order_id

),

joined as (

    select
        shipments.shipment_id,
        order_matches.order_key,
        order_matches.order_key is not null as has_order,
        shipments.order_ref,
        order_matches.order_channel,
        order_matches.ordered_at,
        order_matches.order_date,
        shipments.carrier,
        shipments.fulfilment_method,
        shipments.origin_location_id,
        shipments.created_at,
        coalesce(shipments.shipped_at, milestones.in_transit_at) as shipped_at,
        milestones.ready_for_pickup_at,
        milestones.delivered_at,
        case
            when shipments.fulfilment_method = 'bopis' then milestones.ready_for_pickup_at
            else milestones.delivered_at
        end as delivered_or_ready_at,
        shipments.promised_date as original_promised_date,
        coalesce(latest_promises.new_promised_date, shipments.promised_date) as latest_promised_date,
        coalesce(milestones.reschedule_count, 0) as reschedule_count,
        milestones.last_rescheduled_at,
        coalesce(milestones.tracking_event_count, 0) as tracking_event_count,
        milestones.last_tracking_event_at,
        shipments.units_ordered,
        shipments.units_shipped,
        coalesce(milestones.units_delivered, 0) as units_delivered,
        -- the marketplace ships its own orders and bills it as a fulfilment fee (see the order)
        case
            when shipments.fulfilment_method = 'marketplace_fulfilled' then cast(0 as decimal(18, 2))
            else cast(carriers.cost_per_shipment_eur as decimal(18, 2))
        end as carrier_cost_amount_eur,
        carriers.carrier_code is not null as is_known_carrier
    from shipments
    left join milestones
        on shipments.shipment_id = milestones.shipment_id
    left join latest_promises
        on
            shipments.shipment_id = latest_promises.shipment_id
            and latest_promises.promise_rank = 1
    left join order_matches
        on
            shipments.shipment_id = order_matches.shipment_id
            and order_matches.match_rank = 1
    left join carriers
        on shipments.carrier = carriers.carrier_code

),

final as (

    select
        shipment_id,
        order_key,
        has_order,
        order_ref,
        order_channel,
        ordered_at,
        order_date,
        carrier,
        fulfilment_method,
        origin_location_id,
        created_at,
        shipped_at,
        ready_for_pickup_at,
        delivered_at,
        cast(delivered_at as date) as delivered_date,
        delivered_or_ready_at,
        cast(delivered_or_ready_at as date) as delivered_or_ready_date,
        delivered_at is not null as is_delivered,
        original_promised_date,
        latest_promised_date,
        reschedule_count,
        last_rescheduled_at,
        tracking_event_count,
        last_tracking_event_at,
        units_ordered,
        units_shipped,
        units_delivered,
        delivered_at is not null and units_delivered >= units_ordered as is_delivered_in_full,
        carrier_cost_amount_eur,
        is_known_carrier
    from joined

)

select
    shipment_id,
    order_key,
    has_order,
    order_ref,
    order_channel,
    ordered_at,
    order_date,
    carrier,
    fulfilment_method,
    origin_location_id,
    created_at,
    shipped_at,
    ready_for_pickup_at,
    delivered_at,
    delivered_date,
    delivered_or_ready_at,
    delivered_or_ready_date,
    is_delivered,
    original_promised_date,
    latest_promised_date,
    reschedule_count,
    last_rescheduled_at,
    tracking_event_count,
    last_tracking_event_at,
    units_ordered,
    units_shipped,
    units_delivered,
    is_delivered_in_full,
    carrier_cost_amount_eur,
    is_known_carrier
from final
