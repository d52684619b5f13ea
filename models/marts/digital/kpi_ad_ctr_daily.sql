-- Ad click-through rate (metrics.md): clicks / impressions per campaign and day, as the ad
-- platforms report them (ads daily performance).

with

performance as (
    select campaign_id, performance_date, impressions, clicks from {{ ref('stg_ads__daily_performance') }}
),

campaigns as (
    select campaign_id, platform, campaign_type from {{ ref('stg_ads__campaigns') }}
),

daily as (

    select
        performance.performance_date,
        performance.campaign_id,
        campaigns.platform,
        campaigns.campaign_type,
        sum(performance.impressions) as impression_count,
        sum(performance.clicks) as click_count
    from performance
    left join campaigns
        on performance.campaign_id = campaigns.campaign_id
    group by performance.performance_date, performance.campaign_id, campaigns.platform, campaigns.campaign_type

),

final as (

    select
        cast(performance_date as date) as performance_date,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(platform as {{ dbt.type_string() }}) as ad_platform,
        cast(campaign_type as {{ dbt.type_string() }}) as campaign_type,
        cast(impression_count as bigint) as impression_count,
        cast(click_count as bigint) as click_count,
        cast(click_count as bigint) as click_through_rate_numerator,
        cast(impression_count as bigint) as click_through_rate_denominator,
        {{ ratio_or_null('click_count', 'impression_count') }} as click_through_rate
    from daily

)

select
    performance_date,
    campaign_id,
    ad_platform,
    campaign_type,
    impression_count,
    click_count,
    click_through_rate_numerator,
    click_through_rate_denominator,
    click_through_rate
from final
