-- One row per event that puts an identified customer in a journey stage (metrics.md, Journey
-- stages), with its timestamp:
--   awareness     first_visit (the customer's first web or app session), first_ad_click (the
--                 first ad click tied to the customer: ad platforms export impressions per
--                 campaign-day only, so a click is the first impression a customer can be seen at)
--   consideration product_view, lead
--   decision      add_to_cart, begin_checkout, store_visit (app geofence or loyalty scan)
--   purchase      first_purchase (the customer's first non-cancelled order, any channel)
--   service       support_ticket, return
--   loyalty       repeat_purchase (every later non-cancelled order), loyalty_enrolment,
--                 promoter_score (an NPS response of 9 or 10)
-- stage_rank orders the stages (1 awareness ... 6 loyalty). Anonymous activity is left out.

with

sessions as (
    select session_key, customer_id, session_start_at
    from {{ ref('int_sessions_rebuilt') }}
    where customer_id is not null
),

touchpoints as (
    select touchpoint_key, touchpoint_type, customer_id, touched_at
    from {{ ref('int_touchpoints_unified') }}
    where customer_id is not null
),

commerce_events as (
    select commerce_event_key, event_name, customer_id, event_at
    from {{ ref('int_commerce_events_stitched') }}
    where customer_id is not null
),

leads as (
    select lead_id, customer_id, created_at
    from {{ ref('int_leads_converted') }}
    where customer_id is not null
),

orders as (
    select order_key, customer_id, ordered_at
    from {{ ref('int_orders_unified') }}
    where customer_id is not null and not is_cancelled
),

returns as (
    select return_key, order_key, returned_at
    from {{ ref('int_returns_linked') }}
    where has_original_order
),

tickets as (
    select ticket_id, customer_id, created_at
    from {{ ref('int_tickets_joined') }}
    where customer_id is not null
),

responses as (
    select response_id, customer_id, responded_at
    from {{ ref('int_survey_responses_joined') }}
    where customer_id is not null and is_nps_promoter
),

loyalty_members as (
    select member_id, enrolled_at from {{ ref('stg_loyalty__members') }}
),

stitched_members as (
    select source_record_id, customer_id
    from {{ ref('int_source_records_stitched') }}
    where source_system = 'loyalty' and source_table = 'members' and customer_id is not null
),

all_orders as (
    select order_key, customer_id from {{ ref('int_orders_unified') }}
    where customer_id is not null
),

sessions_ranked as (
    select
        session_key,
        customer_id,
        session_start_at,
        row_number() over (partition by customer_id order by session_start_at asc nulls last, session_key asc nulls last) as visit_rank
    from sessions
),

ad_clicks_ranked as (
    select
        touchpoint_key,
        customer_id,
        touched_at,
        row_number() over (partition by customer_id order by touched_at asc nulls last, touchpoint_key asc nulls last) as click_rank
    from touchpoints
    where touchpoint_type = 'ad_click'
),

orders_ranked as (
    select
        order_key,
        customer_id,
        ordered_at,
        row_number() over (partition by customer_id order by ordered_at asc nulls last, order_key asc nulls last) as order_rank
    from orders
),

stage_events as (

    select
        'awareness' as journey_stage,
        'first_visit' as event_type,
        session_key as source_record_id,
        customer_id,
        session_start_at as event_at
    from sessions_ranked
    where visit_rank = 1

    union all

    select
        'awareness' as journey_stage,
        'first_ad_click' as event_type,
        touchpoint_key as source_record_id,
        customer_id,
        touched_at as event_at
    from ad_clicks_ranked
    where click_rank = 1

    union all

    select
        'consideration' as journey_stage,
        'product_view' as event_type,
        commerce_event_key as source_record_id,
        customer_id,
        event_at as event_at
    from commerce_events
    where event_name = 'view_item'

    union all

    select
        'consideration' as journey_stage,
        'lead' as event_type,
        lead_id as source_record_id,
        customer_id,
        created_at as event_at
    from leads

    union all

    select
        'decision' as journey_stage,
        event_name as event_type,
        commerce_event_key as source_record_id,
        customer_id,
        event_at as event_at
    from commerce_events
    where event_name in ('add_to_cart', 'begin_checkout')

    union all

    select
        'decision' as journey_stage,
        'store_visit' as event_type,
        touchpoint_key as source_record_id,
        customer_id,
        touched_at as event_at
    from touchpoints
    where touchpoint_type in ('store_visit_geofence', 'store_visit_loyalty_scan')

    union all

    select
        'purchase' as journey_stage,
        'first_purchase' as event_type,
        order_key as source_record_id,
        customer_id,
        ordered_at as event_at
    from orders_ranked
    where order_rank = 1

    union all

    select
        'service' as journey_stage,
        'support_ticket' as event_type,
        ticket_id as source_record_id,
        customer_id,
        created_at as event_at
    from tickets

    union all

    select
        'service' as journey_stage,
        'return' as event_type,
        returns.return_key as source_record_id,
        all_orders.customer_id as customer_id,
        returns.returned_at as event_at
    from returns
    inner join all_orders
        on returns.order_key = all_orders.order_key

    union all

    select
        'loyalty' as journey_stage,
        'repeat_purchase' as event_type,
        order_key as source_record_id,
        customer_id,
        ordered_at as event_at
    from orders_ranked
    where order_rank > 1

    union all

    select
        'loyalty' as journey_stage,
        'loyalty_enrolment' as event_type,
        loyalty_members.member_id as source_record_id,
        stitched_members.customer_id as customer_id,
        loyalty_members.enrolled_at as event_at
    from loyalty_members
    inner join stitched_members
        on loyalty_members.member_id = stitched_members.source_record_id

    union all

    select
        'loyalty' as journey_stage,
        'promoter_score' as event_type,
        response_id as source_record_id,
        customer_id,
        responded_at as event_at
    from responses

)

select
    {{ dbt.concat(["event_type", "':'", "source_record_id"]) }} as stage_event_key,
    customer_id,
    journey_stage,
    case journey_stage
        when 'awareness' then 1
        when 'consideration' then 2
        when 'decision' then 3
        when 'purchase' then 4
        when 'service' then 5
        when 'loyalty' then 6
    end as stage_rank,
    event_type,
    source_record_id,
    event_at,
    cast(event_at as date) as event_date
from stage_events
