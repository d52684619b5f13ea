-- One row per CSAT or NPS survey response, joined to the unified customer who answered (identity
-- graph: respondent email or shop account), to the order it is about (touchpoint_ref names an
-- order of any channel) and flagged buyer / non-buyer: a respondent is a buyer when the unified
-- customer placed a non-cancelled order, any channel, in the 90 days before the response
-- (responded_at - 90 days <= ordered_at < responded_at). The order a response is about counts as
-- an order of the respondent even when the till could not identify its buyer (the survey tool
-- surveys an order's buyer), so a store customer paying anonymously and answering by email is
-- a buyer. An unidentified respondent with no such order is a non-buyer.

{%- set buyer_window_days = 90 %}

with

responses as (
    select
        response_id,
        survey_type,
        score,
        touchpoint_channel,
        touchpoint_ref,
        journey_stage,
        responded_at
    from {{ ref('stg_surveys__responses') }}
),

stitched as (
    select source_record_id, customer_id
    from {{ ref('int_source_records_stitched') }}
    where source_system = 'surveys' and source_table = 'responses'
),

orders as (
    select order_key, source_order_id, order_channel, customer_id, ordered_at, is_cancelled
    from {{ ref('int_orders_unified') }}
),

responses_stitched as (

    select
        responses.response_id,
        responses.survey_type,
        responses.score,
        responses.touchpoint_channel,
        responses.touchpoint_ref,
        responses.journey_stage,
        responses.responded_at,
        stitched.customer_id
    from responses
    left join stitched
        on responses.response_id = stitched.source_record_id

),

orders_before as (

    select
        responses_stitched.response_id,
        count(*) as order_count_90d,
        max(orders.ordered_at) as last_ordered_at
    from responses_stitched
    inner join orders
        on
            responses_stitched.customer_id = orders.customer_id
            and responses_stitched.responded_at > orders.ordered_at
            and orders.ordered_at >= {{ dbt.dateadd('day', -buyer_window_days, 'responses_stitched.responded_at') }}
    where not orders.is_cancelled
    group by responses_stitched.response_id

),

final as (

    select
        responses_stitched.response_id,
        responses_stitched.survey_type,
        responses_stitched.score,
        responses_stitched.touchpoint_channel,
        responses_stitched.touchpoint_ref,
        responses_stitched.journey_stage,
        responses_stitched.responded_at,
        cast(responses_stitched.responded_at as date) as response_date,
        cast({{ dbt.date_trunc('month', 'responses_stitched.responded_at') }} as date) as response_month,
        responses_stitched.customer_id,
        responses_stitched.customer_id is not null as is_identified,
        about_order.order_key as about_order_key,
        about_order.order_channel as about_order_channel,
        coalesce(orders_before.order_count_90d, 0) as buyer_order_count_90d,
        orders_before.last_ordered_at as buyer_last_ordered_at,
        orders_before.response_id is not null
        or (
            not coalesce(about_order.is_cancelled, true)
            and about_order.ordered_at < responses_stitched.responded_at
            and about_order.ordered_at >= {{ dbt.dateadd('day', -buyer_window_days, 'responses_stitched.responded_at') }}
        ) as is_buyer,
        orders_before.response_id is not null as is_buyer_by_customer_orders,
        case when responses_stitched.survey_type = 'csat' and responses_stitched.score >= 4 then 1 else 0 end
            as is_csat_top_two_box,
        case when responses_stitched.survey_type = 'nps' and responses_stitched.score >= 9 then 1 else 0 end
            as is_nps_promoter,
        case when responses_stitched.survey_type = 'nps' and responses_stitched.score <= 6 then 1 else 0 end
            as is_nps_detractor
    from responses_stitched
    left join orders as about_order
        on responses_stitched.touchpoint_ref = about_order.source_order_id
    left join orders_before
        on responses_stitched.response_id = orders_before.response_id

)

select
    response_id,
    survey_type,
    cast(score as integer) as score,
    touchpoint_channel,
    touchpoint_ref,
    journey_stage,
    responded_at,
    response_date,
    response_month,
    customer_id,
    is_identified,
    about_order_key,
    about_order_channel,
    cast(buyer_order_count_90d as bigint) as buyer_order_count_90d,
    buyer_last_ordered_at,
    is_buyer,
    is_buyer_by_customer_orders,
    is_csat_top_two_box = 1 as is_csat_top_two_box,
    is_nps_promoter = 1 as is_nps_promoter,
    is_nps_detractor = 1 as is_nps_detractor
from final
