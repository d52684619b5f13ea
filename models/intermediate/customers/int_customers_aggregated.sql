-- One row per unified customer with at least one non-cancelled order: first and last order,
-- order counts lifetime and in the trailing 365 days, the order channels used, lifetime net
-- sales and CM2 (the orders layer's CM2, the finance P&L's cost rules), cumulative CM2 12 and
-- 24 months after the first order (null until observable), the repeat-purchase inputs, the
-- usual gap between orders and the last reactivation (an order after a lapse), and loyalty.

{#- has_<channel>_orders, not has_ordered_<channel>: a name ending in _phone reads as PII #}
{%- set channels = ['web', 'app', 'phone', 'store', 'marketplace'] %}
{%- set lifetime_flags = [] %}
{%- set window_flags = [] %}
{%- for channel in channels %}
{%- do lifetime_flags.append('has_' ~ channel ~ '_orders') %}
{%- do window_flags.append('has_' ~ channel ~ '_orders_365d') %}
{%- endfor %}

with

customer_orders as (
    select
        order_key,
        customer_id,
        order_channel,
        ordered_at,
        order_date,
        net_sales_amount_eur,
        cm2_amount_eur,
        customer_order_number,
        first_ordered_at,
        cohort_month,
        days_since_previous_order,
        as_of_date,
        is_in_trailing_365_days
    from {{ ref('int_customer_orders_sequenced') }}
),

stitched as (
    select source_system, source_table, source_record_id, customer_id
    from {{ ref('int_source_records_stitched') }}
),

loyalty_members as (
    select member_id, tier, enrolled_at from {{ ref('stg_loyalty__members') }}
),

-- a customer may hold several cards: the highest tier and the first enrolment count
customer_loyalty as (

    select
        stitched.customer_id,
        min(loyalty_members.enrolled_at) as loyalty_enrolled_at,
        max(
            case loyalty_members.tier
                when 'gold' then 3
                when 'silver' then 2
                when 'bronze' then 1
                else 0
            end
        ) as loyalty_tier_rank
    from stitched
    inner join loyalty_members
        on stitched.source_record_id = loyalty_members.member_id
    where
        stitched.source_system = 'loyalty'
        and stitched.source_table = 'members'
        and stitched.customer_id is not null
    group by stitched.customer_id

),

order_facts as (

    select
        customer_orders.*,
        ordered_at < cast({{ dbt.dateadd('month', 12, 'first_ordered_at') }} as timestamp)
            as is_within_12_months,
        ordered_at < cast({{ dbt.dateadd('month', 24, 'first_ordered_at') }} as timestamp)
            as is_within_24_months,
        customer_order_number > 1
        and ordered_at <= cast({{ dbt.dateadd('day', 365, 'first_ordered_at') }} as timestamp)
            as is_repeat_within_365_days,
        days_since_previous_order > {{ var('lifecycle_lapsed_days') }} as is_reactivation
    from customer_orders

),

per_customer as (

    select
        customer_id,
        min(as_of_date) as as_of_date,
        min(first_ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at,
        min(cohort_month) as cohort_month,
        max(case when customer_order_number = 1 then order_channel end) as first_order_channel,
        count(*) as order_count,
        count(distinct order_date) as order_day_count,
        sum(case when is_in_trailing_365_days then 1 else 0 end) as order_count_365d,
        {%- for channel in channels %}
        max(case when order_channel = '{{ channel }}' then 1 else 0 end) as has_{{ channel }}_orders,
        max(case when order_channel = '{{ channel }}' and is_in_trailing_365_days then 1 else 0 end)
            as has_{{ channel }}_orders_365d,
        {%- endfor %}
        sum(net_sales_amount_eur) as lifetime_net_sales_amount_eur,
        sum(cm2_amount_eur) as lifetime_cm2_amount_eur,
        sum(case when is_in_trailing_365_days then net_sales_amount_eur else 0 end)
            as net_sales_365d_amount_eur,
        sum(case when is_within_12_months then cm2_amount_eur else 0 end) as cm2_12m_amount_eur,
        sum(case when is_within_24_months then cm2_amount_eur else 0 end) as cm2_24m_amount_eur,
        max(case when is_repeat_within_365_days then 1 else 0 end) as has_repeat_within_365_days,
        max(case when is_reactivation then ordered_at end) as last_reactivated_at
    from order_facts
    group by customer_id

),

final as (

    select
        per_customer.*,
        {{ lifetime_flags | join(' + ') }} as channel_count,
        {{ window_flags | join(' + ') }} as channel_count_365d,
        cast({{ dbt.dateadd('month', 12, 'first_ordered_at') }} as timestamp)
        <= cast(as_of_date as timestamp) as is_clv_12m_observable,
        cast({{ dbt.dateadd('month', 24, 'first_ordered_at') }} as timestamp)
        <= cast(as_of_date as timestamp) as is_clv_24m_observable,
        first_ordered_at
        <= cast({{ dbt.dateadd('day', -365, 'as_of_date') }} as timestamp) as is_first_order_365_days_old,
        customer_loyalty.customer_id is not null as is_loyalty_member,
        case customer_loyalty.loyalty_tier_rank
            when 3 then 'gold'
            when 2 then 'silver'
            when 1 then 'bronze'
        end as loyalty_tier,
        customer_loyalty.loyalty_enrolled_at
    from per_customer
    left join customer_loyalty
        on per_customer.customer_id = customer_loyalty.customer_id

)

select
    customer_id,
    as_of_date,
    first_ordered_at,
    last_ordered_at,
    cast(first_ordered_at as date) as first_order_date,
    cast(last_ordered_at as date) as last_order_date,
    cohort_month,
    first_order_channel,
    cast(order_count as bigint) as order_count,
    cast(order_day_count as bigint) as order_day_count,
    cast(order_count_365d as bigint) as order_count_365d,
    {%- for channel in channels %}
    has_{{ channel }}_orders = 1 as has_{{ channel }}_orders,
    has_{{ channel }}_orders_365d = 1 as has_{{ channel }}_orders_365d,
    {%- endfor %}
    cast(channel_count as bigint) as channel_count,
    cast(channel_count_365d as bigint) as channel_count_365d,
    channel_count_365d >= 2 as is_omnichannel,
    order_count_365d > 0 as has_ordered_365d,
    cast(lifetime_net_sales_amount_eur as decimal(18, 2)) as lifetime_net_sales_amount_eur,
    cast(lifetime_cm2_amount_eur as decimal(18, 2)) as lifetime_cm2_amount_eur,
    cast(net_sales_365d_amount_eur as decimal(18, 2)) as net_sales_365d_amount_eur,
    is_clv_12m_observable,
    is_clv_24m_observable,
    cast(case when is_clv_12m_observable then cm2_12m_amount_eur end as decimal(18, 2))
        as historical_clv_12m_amount_eur,
    cast(case when is_clv_24m_observable then cm2_24m_amount_eur end as decimal(18, 2))
        as historical_clv_24m_amount_eur,
    is_first_order_365_days_old,
    has_repeat_within_365_days = 1 as has_repeat_within_365_days,
    cast(
        case
            when order_count > 1
                then
                    cast({{ dbt.datediff('first_ordered_at', 'last_ordered_at', 'day') }} as double)
                    / cast(order_count - 1 as double)
        end as double
    ) as usual_days_between_orders,
    last_reactivated_at,
    is_loyalty_member,
    loyalty_tier,
    loyalty_enrolled_at
from final
