-- Customer service KPIs per month x order channel (metrics.md, Service): tickets per 1,000
-- orders (tickets opened in the month about orders of the channel / orders placed in the
-- month in the channel x 1,000), first contact resolution (resolved tickets closed in one
-- contact / resolved tickets), median resolution time in hours (of the tickets opened in the
-- month), and CSAT of service contacts (top-2-box of CSAT responses about a support ticket).
-- Also CSAT of orders that had a ticket before the response, a service-adjacent proxy.

with

tickets as (
    select ticket_id, order_ref, created_at
    from {{ ref('stg_support__tickets') }}
),

resolutions as (
    select ticket_id, resolved_at, contacts_count
    from {{ ref('stg_support__resolutions') }}
),

responses as (
    select response_id, survey_type, score, touchpoint_ref, journey_stage, responded_at
    from {{ ref('stg_surveys__responses') }}
    where survey_type = 'csat'
),

orders as (
    select order_key, source_system, source_order_id, order_channel, order_date
    from {{ ref('int_orders_unified') }}
),

-- a ticket or a response names an order by its shop or marketplace id
online_orders as (
    select
        source_order_id,
        order_channel,
        row_number() over (
            partition by source_order_id order by source_system asc nulls last
        ) as match_rank
    from orders
    where source_system in ('ecommerce', 'marketplace')
),

order_refs as (
    select source_order_id, order_channel from online_orders where match_rank = 1
),

resolved as (
    select
        ticket_id,
        min(resolved_at) as resolved_at,
        min(contacts_count) as contacts_count
    from resolutions
    group by ticket_id
),

ticket_facts as (

    select
        tickets.ticket_id,
        tickets.order_ref,
        cast({{ dbt.date_trunc('month', 'tickets.created_at') }} as date) as month_start_date,
        coalesce(order_refs.order_channel, 'unknown') as order_channel,
        tickets.created_at,
        resolved.resolved_at,
        resolved.contacts_count,
        case
            when resolved.resolved_at is not null
                then cast({{ dbt.datediff('tickets.created_at', 'resolved.resolved_at', 'second') }} / cast(3600 as double) as double)
        end as resolution_hours
    from tickets
    left join resolved
        on tickets.ticket_id = resolved.ticket_id
    left join order_refs
        on tickets.order_ref = order_refs.source_order_id

),

-- a response about a ticket (its touchpoint is the ticket, or its journey stage is service)
service_responses as (

    select
        responses.response_id,
        cast({{ dbt.date_trunc('month', 'responses.responded_at') }} as date) as month_start_date,
        coalesce(ticket_facts.order_channel, 'unknown') as order_channel,
        responses.score
    from responses
    left join ticket_facts
        on responses.touchpoint_ref = ticket_facts.ticket_id
    where ticket_facts.ticket_id is not null or responses.journey_stage = 'service'

),

-- a response about an order that had a support ticket opened before the response
ticketed_order_responses as (

    select
        responses.response_id,
        cast({{ dbt.date_trunc('month', 'responses.responded_at') }} as date) as month_start_date,
        min(ticket_facts.order_channel) as order_channel,
        min(responses.score) as score
    from responses
    inner join ticket_facts
        on
            responses.touchpoint_ref = ticket_facts.order_ref
            and responses.responded_at > ticket_facts.created_at
    group by responses.response_id, cast({{ dbt.date_trunc('month', 'responses.responded_at') }} as date)

),

parts as (

    select
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as month_start_date,
        order_channel,
        1 as order_count,
        0 as ticket_count,
        0 as resolved_ticket_count,
        0 as first_contact_resolved_count,
        0 as service_csat_response_count,
        0 as service_csat_satisfied_count,
        0 as ticketed_order_csat_response_count,
        0 as ticketed_order_csat_satisfied_count
    from orders

    union all

    select
        month_start_date,
        order_channel,
        0 as order_count,
        1 as ticket_count,
        case when resolved_at is not null then 1 else 0 end as resolved_ticket_count,
        case when resolved_at is not null and contacts_count = 1 then 1 else 0 end as first_contact_resolved_count,
        0 as service_csat_response_count,
        0 as service_csat_satisfied_count,
        0 as ticketed_order_csat_response_count,
        0 as ticketed_order_csat_satisfied_count
    from ticket_facts

    union all

    select
        month_start_date,
        order_channel,
        0 as order_count,
        0 as ticket_count,
        0 as resolved_ticket_count,
        0 as first_contact_resolved_count,
        1 as service_csat_response_count,
        case when score >= 4 then 1 else 0 end as service_csat_satisfied_count,
        0 as ticketed_order_csat_response_count,
        0 as ticketed_order_csat_satisfied_count
    from service_responses

    union all

    select
        month_start_date,
        order_channel,
        0 as order_count,
        0 as ticket_count,
        0 as resolved_ticket_count,
        0 as first_contact_resolved_count,
        0 as service_csat_response_count,
        0 as service_csat_satisfied_count,
        1 as ticketed_order_csat_response_count,
        case when score >= 4 then 1 else 0 end as ticketed_order_csat_satisfied_count
    from ticketed_order_responses

),

summed as (

    select
        month_start_date,
        order_channel,
        sum(order_count) as order_count,
        sum(ticket_count) as ticket_count,
        sum(resolved_ticket_count) as resolved_ticket_count,
        sum(first_contact_resolved_count) as first_contact_resolved_count,
        sum(service_csat_response_count) as service_csat_response_count,
        sum(service_csat_satisfied_count) as service_csat_satisfied_count,
        sum(ticketed_order_csat_response_count) as ticketed_order_csat_response_count,
        sum(ticketed_order_csat_satisfied_count) as ticketed_order_csat_satisfied_count
    from parts
    group by month_start_date, order_channel

),

medians as (

    select
        month_start_date,
        order_channel,
        {{ median('resolution_hours') }} as median_resolution_hours
    from ticket_facts
    where resolution_hours is not null
    group by month_start_date, order_channel

)

select
    summed.month_start_date,
    summed.order_channel,
    cast(summed.order_count as bigint) as order_count,
    cast(summed.ticket_count as bigint) as ticket_count,
    cast(summed.ticket_count * 1000 as bigint) as tickets_per_1000_orders_numerator,
    cast(summed.order_count as bigint) as tickets_per_1000_orders_denominator,
    {{ ratio_or_null('summed.ticket_count * 1000', 'summed.order_count') }} as tickets_per_1000_orders,
    cast(summed.first_contact_resolved_count as bigint) as first_contact_resolution_rate_numerator,
    cast(summed.resolved_ticket_count as bigint) as first_contact_resolution_rate_denominator,
    {{ ratio_or_null('summed.first_contact_resolved_count', 'summed.resolved_ticket_count') }}
        as first_contact_resolution_rate,
    cast(medians.median_resolution_hours as double) as median_resolution_hours,
    cast(summed.service_csat_satisfied_count as bigint) as service_csat_numerator,
    cast(summed.service_csat_response_count as bigint) as service_csat_denominator,
    {{ ratio_or_null('summed.service_csat_satisfied_count', 'summed.service_csat_response_count') }}
        as service_csat,
    cast(summed.ticketed_order_csat_satisfied_count as bigint) as ticketed_order_csat_numerator,
    cast(summed.ticketed_order_csat_response_count as bigint) as ticketed_order_csat_denominator,
    {{ ratio_or_null('summed.ticketed_order_csat_satisfied_count', 'summed.ticketed_order_csat_response_count') }}
        as ticketed_order_csat
from summed
left join medians
    on
        summed.month_start_date = medians.month_start_date
        and summed.order_channel = medians.order_channel
