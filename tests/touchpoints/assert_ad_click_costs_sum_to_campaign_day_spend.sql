-- The costs of a campaign-day's ad clicks add up to that day's spend, to the cent: the cost per
-- click spreads the spend over exactly the clicks of the day. Returns every campaign-day that
-- reported clicks whose touch costs differ from its spend (or whose clicks are missing).

with

performance as (

    select campaign_id, performance_date, spend_eur
    from {{ ref('stg_ads__daily_performance') }}
    where clicks > 0

),

click_costs as (

    select
        campaign_id,
        touched_date,
        sum(cost_amount_eur) as cost_amount_eur
    from {{ ref('int_touchpoints_unified') }}
    where touchpoint_type = 'ad_click'
    group by campaign_id, touched_date

)

select
    performance.campaign_id,
    performance.performance_date,
    performance.spend_eur,
    click_costs.cost_amount_eur
from performance
left join click_costs
    on
        performance.campaign_id = click_costs.campaign_id
        and performance.performance_date = click_costs.touched_date
where
    click_costs.cost_amount_eur is null
    or round(click_costs.cost_amount_eur, 2) != performance.spend_eur
