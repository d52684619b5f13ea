-- Historical and predictive customer lifetime value, omnichannel vs single-channel customers
-- (metrics.md). customer_group: omnichannel (2+ order channels in the trailing 365 days),
-- single_channel (one), inactive_365d (no order in that window), all. Predictive CLV comes
-- from the BG/NBD x Gamma-Gamma Python model (int_customer_clv_predicted), so this table is
-- enabled only with it (var python_models_enabled; off on Spark).

with

customers as (
    select
        customer_id,
        as_of_date,
        channel_count_365d,
        historical_clv_12m_amount_eur,
        historical_clv_24m_amount_eur
    from {{ ref('int_customers_aggregated') }}
),

predicted as (
    select
        customer_id,
        predicted_purchases_12m,
        predicted_clv_12m_amount_eur
    from {{ ref('int_customer_clv_predicted') }}
),

grouped as (

    select
        customers.as_of_date,
        case
            when customers.channel_count_365d >= 2 then 'omnichannel'
            when customers.channel_count_365d = 1 then 'single_channel'
            else 'inactive_365d'
        end as customer_group,
        customers.historical_clv_12m_amount_eur,
        customers.historical_clv_24m_amount_eur,
        predicted.predicted_purchases_12m,
        predicted.predicted_clv_12m_amount_eur
    from customers
    left join predicted
        on customers.customer_id = predicted.customer_id

),

both_levels as (

    select
        as_of_date, customer_group, historical_clv_12m_amount_eur, historical_clv_24m_amount_eur,
        predicted_purchases_12m, predicted_clv_12m_amount_eur
    from grouped

    union all

    select
        as_of_date, 'all' as customer_group, historical_clv_12m_amount_eur, historical_clv_24m_amount_eur,
        predicted_purchases_12m, predicted_clv_12m_amount_eur
    from grouped

),

totals as (

    select
        customer_group,
        min(as_of_date) as as_of_date,
        count(*) as customer_count,
        sum(historical_clv_12m_amount_eur) as clv_12m_cm2_amount_eur,
        count(historical_clv_12m_amount_eur) as clv_12m_customer_count,
        sum(historical_clv_24m_amount_eur) as clv_24m_cm2_amount_eur,
        count(historical_clv_24m_amount_eur) as clv_24m_customer_count,
        sum(predicted_purchases_12m) as predicted_purchases_12m,
        sum(predicted_clv_12m_amount_eur) as predicted_clv_12m_amount_eur,
        count(predicted_purchases_12m) as predicted_customer_count
    from both_levels
    group by customer_group

)

select
    customer_group,
    as_of_date,
    cast(customer_count as bigint) as customer_count,
    cast(clv_12m_cm2_amount_eur as decimal(18, 2)) as historical_clv_12m_numerator,
    cast(clv_12m_customer_count as bigint) as historical_clv_12m_denominator,
    cast(
        case when clv_12m_customer_count > 0 then clv_12m_cm2_amount_eur / clv_12m_customer_count end
        as decimal(18, 2)
    ) as historical_clv_12m_amount_eur,
    cast(clv_24m_cm2_amount_eur as decimal(18, 2)) as historical_clv_24m_numerator,
    cast(clv_24m_customer_count as bigint) as historical_clv_24m_denominator,
    cast(
        case when clv_24m_customer_count > 0 then clv_24m_cm2_amount_eur / clv_24m_customer_count end
        as decimal(18, 2)
    ) as historical_clv_24m_amount_eur,
    cast(predicted_purchases_12m as double) as predicted_purchases_12m_numerator,
    cast(predicted_customer_count as bigint) as predicted_purchases_12m_denominator,
    {{ ratio_or_null('predicted_purchases_12m', 'predicted_customer_count') }} as predicted_purchases_12m,
    cast(predicted_clv_12m_amount_eur as decimal(18, 2)) as predicted_clv_12m_numerator,
    cast(predicted_customer_count as bigint) as predicted_clv_12m_denominator,
    cast(
        case when predicted_customer_count > 0 then predicted_clv_12m_amount_eur / predicted_customer_count end
        as decimal(18, 2)
    ) as predicted_clv_12m_amount_eur
from totals
