-- One row per support ticket, joined to the unified customer who opened it (identity graph:
-- requester email), to the order it is about (order_ref names an order of any channel), to its
-- resolution, and flagged buyer / non-buyer by the rule of the satisfaction split: the customer
-- placed a non-cancelled order, any channel, in the 90 days before the ticket
-- (created_at - 90 days <= ordered_at < created_at).

{%- set buyer_window_days = 90 %}

with

tickets as (
    select ticket_id, order_ref, contact_channel, category, created_at
    from {{ ref('stg_support__tickets') }}
),

resolutions as (
    select ticket_id, resolved_at, contacts_count
    from {{ ref('stg_support__resolutions') }}
),

stitched as (
    select source_record_id, customer_id
    from {{ ref('int_source_records_stitched') }}
    where source_system = 'support' and source_table = 'tickets'
),

orders as (
    select order_key, source_order_id, order_channel, customer_id, ordered_at, is_cancelled
    from {{ ref('int_orders_unified') }}
),

first_resolutions as (

    select
        ticket_id,
        min(resolved_at) as resolved_at,
        min(contacts_count) as contacts_count
    from resolutions
    group by ticket_id

),

tickets_stitched as (

    select
        tickets.ticket_id,
        tickets.order_ref,
        tickets.contact_channel,
        tickets.category,
        tickets.created_at,
        stitched.customer_id
    from tickets
    left join stitched
        on tickets.ticket_id = stitched.source_record_id

),

orders_before as (

    select
        tickets_stitched.ticket_id,
        count(*) as order_count_90d
    from tickets_stitched
    inner join orders
        on
            tickets_stitched.customer_id = orders.customer_id
            and tickets_stitched.created_at > orders.ordered_at
            and orders.ordered_at >= {{ dbt.dateadd('day', -buyer_window_days, 'tickets_stitched.created_at') }}
    where not orders.is_cancelled
    group by tickets_stitched.ticket_id

)

select
    tickets_stitched.ticket_id,
    tickets_stitched.contact_channel,
    tickets_stitched.category,
    tickets_stitched.created_at,
    cast(tickets_stitched.created_at as date) as ticket_date,
    cast({{ dbt.date_trunc('month', 'tickets_stitched.created_at') }} as date) as ticket_month,
    tickets_stitched.customer_id,
    tickets_stitched.customer_id is not null as is_identified,
    tickets_stitched.order_ref,
    about_order.order_key as about_order_key,
    about_order.order_channel as about_order_channel,
    cast(coalesce(orders_before.order_count_90d, 0) as bigint) as buyer_order_count_90d,
    orders_before.ticket_id is not null as is_buyer,
    first_resolutions.resolved_at,
    cast(first_resolutions.contacts_count as integer) as contacts_count,
    first_resolutions.resolved_at is not null as is_resolved,
    coalesce(first_resolutions.contacts_count = 1, false) as is_first_contact_resolution
from tickets_stitched
left join orders as about_order
    on tickets_stitched.order_ref = about_order.source_order_id
left join orders_before
    on tickets_stitched.ticket_id = orders_before.ticket_id
left join first_resolutions
    on tickets_stitched.ticket_id = first_resolutions.ticket_id
