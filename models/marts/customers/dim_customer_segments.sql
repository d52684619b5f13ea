-- One row per customer of dim_customers: RFM scores, lifecycle stage, preferred and next-best
-- channel, omnichannel flag, loyalty tier and marketing consent by email and SMS. No PII.
-- RFM (metrics.md): recency = days from the last order date to the as-of date, frequency =
-- orders in the trailing 365 days, monetary = net sales in them; each scored 1-5 by ntile(5)
-- among customers with an order in those 365 days (5 = most recent / most frequent / highest),
-- ties broken by customer_id so the score is deterministic (equal values may straddle a
-- quintile edge); with fewer than 5 such customers the scores run 1..n. Customers without an
-- order in the window have null scores. Lifecycle thresholds are vars (dbt_project.yml).

with

customers as (
    select
        customer_id,
        as_of_date,
        first_ordered_at,
        last_ordered_at,
        last_order_date,
        order_count_365d,
        net_sales_365d_amount_eur,
        has_ordered_365d,
        is_omnichannel,
        usual_days_between_orders,
        last_reactivated_at,
        is_loyalty_member,
        loyalty_tier
    from {{ ref('int_customers_aggregated') }}
),

channels as (
    select customer_id, order_channel, preferred_rank, next_best_rank
    from {{ ref('int_customer_channels_ranked') }}
),

consents as (
    select customer_id, is_email_consented, is_sms_consented
    from {{ ref('int_customer_consents_resolved') }}
),

measured as (

    select
        customers.*,
        {{ dbt.datediff('customers.last_order_date', 'customers.as_of_date', 'day') }} as recency_days
    from customers

),

scored as (

    select
        customer_id,
        ntile(5) over (order by recency_days desc nulls last, customer_id asc nulls last) as recency_score,
        ntile(5) over (order by order_count_365d asc nulls last, customer_id asc nulls last) as frequency_score,
        ntile(5) over (order by net_sales_365d_amount_eur asc nulls last, customer_id asc nulls last) as monetary_score
    from measured
    where has_ordered_365d

),

staged as (

    select
        measured.*,
        case
            when
                measured.last_ordered_at
                < cast({{ dbt.dateadd('day', -1 * var('lifecycle_lapsed_days'), 'measured.as_of_date') }} as timestamp)
                then 'lapsed'
            when
                measured.first_ordered_at
                >= cast({{ dbt.dateadd('day', -1 * var('lifecycle_new_days'), 'measured.as_of_date') }} as timestamp)
                then 'new'
            when
                measured.last_reactivated_at
                >= cast(
                    {{ dbt.dateadd('day', -1 * var('lifecycle_reactivated_days'), 'measured.as_of_date') }} as timestamp
                )
                then 'reactivated'
            when
                measured.recency_days
                > {{ var('lifecycle_at_risk_gap_multiplier') }}
                * coalesce(measured.usual_days_between_orders, {{ var('lifecycle_single_order_usual_gap_days') }})
                then 'at_risk'
            else 'active'
        end as lifecycle_stage
    from measured

),

preferred as (
    select customer_id, order_channel from channels where preferred_rank = 1
),

next_best as (
    select customer_id, order_channel from channels where next_best_rank = 1
)

select
    staged.customer_id,
    staged.as_of_date,
    cast(staged.recency_days as bigint) as recency_days,
    staged.order_count_365d,
    staged.net_sales_365d_amount_eur,
    cast(scored.recency_score as integer) as recency_score,
    cast(scored.frequency_score as integer) as frequency_score,
    cast(scored.monetary_score as integer) as monetary_score,
    case
        when scored.customer_id is not null
            then {{ dbt.concat([
                "cast(scored.recency_score as " ~ dbt.type_string() ~ ")",
                "cast(scored.frequency_score as " ~ dbt.type_string() ~ ")",
                "cast(scored.monetary_score as " ~ dbt.type_string() ~ ")",
            ]) }}
    end as rfm_segment_code,
    staged.lifecycle_stage,
    staged.usual_days_between_orders,
    preferred.order_channel as preferred_channel,
    coalesce(next_best.order_channel, preferred.order_channel) as next_best_channel,
    case
        when next_best.order_channel is not null then 'journey'
        when preferred.order_channel is not null then 'preferred_channel'
    end as next_best_channel_basis,
    staged.is_omnichannel,
    staged.is_loyalty_member,
    staged.loyalty_tier,
    coalesce(consents.is_email_consented, false) as is_email_consented,
    coalesce(consents.is_sms_consented, false) as is_sms_consented
from staged
left join scored
    on staged.customer_id = scored.customer_id
left join preferred
    on staged.customer_id = preferred.customer_id
left join next_best
    on staged.customer_id = next_best.customer_id
left join consents
    on staged.customer_id = consents.customer_id
