-- Stage order where the definitions imply it: every repeat purchase of a customer comes at or
-- after that customer's first purchase, every customer with a repeat purchase has a first
-- purchase. (Other orders, e.g. first visit before first purchase, are not implied: a store buyer
-- may never visit the site.) Returns the offending repeat purchases.

with

events as (
    select customer_id, event_type, event_at from {{ ref('int_journey_stage_events') }}
),

first_purchases as (
    select customer_id, event_at as first_purchase_at
    from events
    where event_type = 'first_purchase'
)

select
    events.customer_id,
    events.event_at as repeat_purchase_at,
    first_purchases.first_purchase_at
from events
left join first_purchases
    on events.customer_id = first_purchases.customer_id
where
    events.event_type = 'repeat_purchase'
    and (
        first_purchases.first_purchase_at is null
        or events.event_at < first_purchases.first_purchase_at
    )
