-- Web and app conversion (metrics.md): sessions with a purchase / sessions, per UTC session
-- day, platform and GA4 default channel group; bots excluded (int_sessions_rebuilt).

with

sessions as (

    select
        session_date,
        platform,
        default_channel_group,
        has_purchase
    from {{ ref('int_sessions_rebuilt') }}

),

daily as (

    select
        session_date,
        platform,
        default_channel_group,
        count(*) as session_count,
        sum(case when has_purchase then 1 else 0 end) as purchase_session_count
    from sessions
    group by session_date, platform, default_channel_group

),

final as (

    select
        cast(session_date as date) as session_date,
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(default_channel_group as {{ dbt.type_string() }}) as default_channel_group,
        cast(session_count as bigint) as session_count,
        cast(purchase_session_count as bigint) as purchase_session_count,
        cast(purchase_session_count as bigint) as conversion_rate_numerator,
        cast(session_count as bigint) as conversion_rate_denominator,
        {{ ratio_or_null('purchase_session_count', 'session_count') }} as conversion_rate
    from daily

)

select
    session_date,
    platform,
    default_channel_group,
    session_count,
    purchase_session_count,
    conversion_rate_numerator,
    conversion_rate_denominator,
    conversion_rate
from final
