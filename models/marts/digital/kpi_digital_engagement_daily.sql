-- Digital engagement (metrics.md) per UTC session day, platform (web, app) and GA4 default
-- channel group: sessions, returning visits, engaged sessions, bounce, engagement time and
-- page or screen views per session. Every ratio has its numerator and denominator beside it.

with

sessions as (

    select
        session_date,
        platform,
        default_channel_group,
        is_returning,
        is_returning_visitor,
        is_engaged,
        engagement_time_msec,
        page_view_count
    from {{ ref('int_sessions_rebuilt') }}

),

daily as (

    select
        session_date,
        platform,
        default_channel_group,
        count(*) as session_count,
        sum(case when is_returning then 1 else 0 end) as returning_session_count,
        sum(case when is_returning_visitor then 1 else 0 end) as returning_session_count_visitor_id,
        sum(case when is_engaged then 1 else 0 end) as engaged_session_count,
        sum(engagement_time_msec) as engagement_time_msec,
        sum(page_view_count) as page_view_count
    from sessions
    group by session_date, platform, default_channel_group

),

final as (

    select
        cast(session_date as date) as session_date,
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(default_channel_group as {{ dbt.type_string() }}) as default_channel_group,
        cast(session_count as bigint) as session_count,
        cast(returning_session_count as bigint) as returning_session_count,
        cast(returning_session_count as bigint) as returning_visit_rate_numerator,
        cast(session_count as bigint) as returning_visit_rate_denominator,
        {{ ratio_or_null('returning_session_count', 'session_count') }} as returning_visit_rate,
        cast(returning_session_count_visitor_id as bigint) as returning_session_count_visitor_id,
        cast(returning_session_count_visitor_id as bigint) as returning_visit_rate_visitor_id_numerator,
        cast(session_count as bigint) as returning_visit_rate_visitor_id_denominator,
        {{ ratio_or_null('returning_session_count_visitor_id', 'session_count') }} as returning_visit_rate_visitor_id,
        cast(engaged_session_count as bigint) as engaged_session_count,
        cast(engaged_session_count as bigint) as engagement_rate_numerator,
        cast(session_count as bigint) as engagement_rate_denominator,
        {{ ratio_or_null('engaged_session_count', 'session_count') }} as engagement_rate,
        cast(session_count - engaged_session_count as bigint) as bounce_rate_numerator,
        cast(session_count as bigint) as bounce_rate_denominator,
        {{ ratio_or_null('session_count - engaged_session_count', 'session_count') }} as bounce_rate,
        cast(engagement_time_msec as bigint) as average_engagement_time_msec_numerator,
        cast(session_count as bigint) as average_engagement_time_msec_denominator,
        {{ ratio_or_null('engagement_time_msec', 'session_count') }} as average_engagement_time_msec,
        cast(page_view_count as bigint) as page_views_per_session_numerator,
        cast(session_count as bigint) as page_views_per_session_denominator,
        {{ ratio_or_null('page_view_count', 'session_count') }} as page_views_per_session
    from daily

)

select
    session_date,
    platform,
    default_channel_group,
    session_count,
    returning_session_count,
    returning_visit_rate_numerator,
    returning_visit_rate_denominator,
    returning_visit_rate,
    returning_session_count_visitor_id,
    returning_visit_rate_visitor_id_numerator,
    returning_visit_rate_visitor_id_denominator,
    returning_visit_rate_visitor_id,
    engaged_session_count,
    engagement_rate_numerator,
    engagement_rate_denominator,
    engagement_rate,
    bounce_rate_numerator,
    bounce_rate_denominator,
    bounce_rate,
    average_engagement_time_msec_numerator,
    average_engagement_time_msec_denominator,
    average_engagement_time_msec,
    page_views_per_session_numerator,
    page_views_per_session_denominator,
    page_views_per_session
from final
