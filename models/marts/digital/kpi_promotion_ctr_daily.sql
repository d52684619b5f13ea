-- On-site promotion click-through rate (metrics.md, CTR): GA4 select_promotion events /
-- view_promotion events per UTC event day, platform and promotion. Web events with a crawler
-- user agent are left out (bots render banners but are not an audience); re-sent events are
-- counted once (staging deduplicates them by event_id).

with

web_events as (
    select event_at, event_name, promotion_id, promotion_name
    from {{ ref('stg_web_analytics__events') }}
    where
        event_name in ('view_promotion', 'select_promotion')
        and not is_bot
),

app_events as (
    select event_at, event_name, promotion_id, promotion_name
    from {{ ref('stg_app_analytics__events') }}
    where event_name in ('view_promotion', 'select_promotion')
),

promotion_events as (
    select 'web' as platform, event_at, event_name, promotion_id, promotion_name from web_events
    union all
    select 'app' as platform, event_at, event_name, promotion_id, promotion_name from app_events
),

daily as (

    select
        cast(event_at as date) as event_date,
        platform,
        promotion_id,
        max(promotion_name) as promotion_name,
        sum(case when event_name = 'view_promotion' then 1 else 0 end) as view_count,
        sum(case when event_name = 'select_promotion' then 1 else 0 end) as click_count
    from promotion_events
    group by cast(event_at as date), platform, promotion_id

),

final as (

    select
        cast(event_date as date) as event_date,
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(promotion_id as {{ dbt.type_string() }}) as promotion_id,
        cast(promotion_name as {{ dbt.type_string() }}) as promotion_name,
        cast(view_count as bigint) as view_count,
        cast(click_count as bigint) as click_count,
        cast(click_count as bigint) as click_through_rate_numerator,
        cast(view_count as bigint) as click_through_rate_denominator,
        {{ ratio_or_null('click_count', 'view_count') }} as click_through_rate
    from daily

)

select
    event_date,
    platform,
    promotion_id,
    promotion_name,
    view_count,
    click_count,
    click_through_rate_numerator,
    click_through_rate_denominator,
    click_through_rate
from final
