-- Web and app sessions rebuilt from raw events by the GA4 rules, bots included and flagged:
-- a visitor's (cookie's or device's) session ends after 30 minutes without an event, and a new
-- one starts when an event brings a campaign source (source / medium / campaign / gclid)
-- different from the current session's. The exported ga_session_id is not used.
-- Incremental by session_date: events are re-read from one day before the lookback window,
-- so a session that began before midnight is rebuilt whole, and only the sessions that start
-- inside the window are replaced (delete+insert on DuckDB, insert_overwrite on Spark), which gives the rows of a full refresh.
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_date_config('session_date')
    )
}}

{#- Inactivity that ends a session (GA4 default), and the days of events read before the window. -#}
{%- set session_timeout_seconds = 1800 -%}
{%- set context_days = 1 -%}
{#- Visitors split by a hash of their id into buckets, each windowed on its own (see below). -#}
{%- set visitor_buckets = var('session_visitor_buckets', 4) -%}

with

-- The chain below (events -> three windows -> sessions) runs once per bucket of visitors
-- (hash_bucket of the cookie or device id) and the buckets' sessions are unioned: a visitor's
-- events all fall in one bucket, so the rows are those of one chain over every visitor, and
-- each window sorts one bucket's events only (at scale 10 the three windows over all 10.7 M
-- events ran out of a 2.5 GB memory_limit; per bucket they fit 2 GB, bench/notes.md, stop 19)
{% for bucket in range(visitor_buckets) %}
web_events_{{ bucket }} as (

    select
        event_id,
        event_at,
        event_name,
        user_pseudo_id,
        user_id,
        page_location,
        traffic_source,
        traffic_medium,
        utm_campaign,
        gclid,
        transaction_id,
        purchase_value_eur,
        engagement_time_msec,
        is_bot,
        default_channel_group
    from {{ ref('stg_web_analytics__events') }}
    where
        user_pseudo_id is not null
        and {{ lookback_window_filter('event_at', 'session_date', context_days) }}
        and {{ hash_bucket('user_pseudo_id', visitor_buckets) }} = {{ bucket }}

),

app_events_{{ bucket }} as (

    select
        event_id,
        event_at,
        event_name,
        device_id,
        user_id,
        screen_name,
        traffic_source,
        traffic_medium,
        utm_campaign,
        transaction_id,
        purchase_value_eur,
        engagement_time_msec,
        default_channel_group
    from {{ ref('stg_app_analytics__events') }}
    where
        device_id is not null
        and {{ lookback_window_filter('event_at', 'session_date', context_days) }}
        and {{ hash_bucket('device_id', visitor_buckets) }} = {{ bucket }}

),

events_{{ bucket }} as (

    select
        'web' as platform,
        user_pseudo_id as visitor_id,
        event_id,
        event_at,
        event_name,
        user_id,
        page_location as page,
        traffic_source,
        traffic_medium,
        utm_campaign as traffic_campaign,
        gclid,
        default_channel_group,
        transaction_id,
        purchase_value_eur,
        engagement_time_msec,
        is_bot,
        event_name = 'page_view' as is_page_view
    from web_events_{{ bucket }}

    union all

    select
        'app' as platform,
        device_id as visitor_id,
        event_id,
        event_at,
        event_name,
        user_id,
        screen_name as page,
        traffic_source,
        traffic_medium,
        utm_campaign as traffic_campaign,
        cast(null as {{ dbt.type_string() }}) as gclid,
        default_channel_group,
        transaction_id,
        purchase_value_eur,
        engagement_time_msec,
        false as is_bot,
        -- app_open shows the first screen of a visit: counted as a screen view
        event_name in ('screen_view', 'app_open') as is_page_view
    from app_events_{{ bucket }}

),

-- an event's campaign source: null when it carries none (it then continues the current session).
-- Only the columns the windows and the session aggregate need are carried through the three
-- sorts; a session's landing page and campaign columns are looked up afterwards from its first
-- event (landing_events), so the long page URLs and campaign strings are not sorted three times
events_with_campaign_{{ bucket }} as (

    select
        platform,
        visitor_id,
        event_id,
        event_at,
        event_name,
        user_id,
        transaction_id,
        purchase_value_eur,
        engagement_time_msec,
        is_bot,
        is_page_view,
        case
            when
                traffic_source is not null
                or traffic_medium is not null
                or traffic_campaign is not null
                or gclid is not null
                then {{ dbt.concat([
                    "coalesce(traffic_source, '')", "'|'",
                    "coalesce(traffic_medium, '')", "'|'",
                    "coalesce(traffic_campaign, '')", "'|'",
                    "coalesce(gclid, '')",
                ]) }}
        end as campaign_key
    from events_{{ bucket }}

),

-- The visitor's events in order, three sorts in all (each window step below is one):
-- the event before, and the last campaign source seen before this event (and when)
events_with_previous_{{ bucket }} as (

    select
        *,
        lag(event_at) over visitor_events as previous_event_at,
        {{ last_value_ignore_nulls('campaign_key') }} over visitor_events_before as previous_campaign_key,
        {{ last_value_ignore_nulls('case when campaign_key is not null then event_at end') }}
            over visitor_events_before as previous_campaign_at
    from events_with_campaign_{{ bucket }}
    window
        visitor_events as (
            partition by platform, visitor_id
            order by event_at asc nulls last, event_id asc nulls last
        ),
        visitor_events_before as (
            partition by platform, visitor_id
            order by event_at asc nulls last, event_id asc nulls last
            rows between unbounded preceding and 1 preceding
        )

),

-- runs of activity: a new run after 30 minutes without an event
run_starts_{{ bucket }} as (

    select
        *,
        case
            when previous_event_at is null then 1
            when {{ dbt.datediff('previous_event_at', 'event_at', 'second') }} >= {{ session_timeout_seconds }} then 1
            else 0
        end as is_run_start
    from events_with_previous_{{ bucket }}

),

-- the start of the event's run: event times only grow along the order, so the latest run start so far
activity_runs_{{ bucket }} as (

    select
        *,
        max(case when is_run_start = 1 then event_at end) over (
            partition by platform, visitor_id
            order by event_at asc nulls last, event_id asc nulls last
            rows between unbounded preceding and current row
        ) as run_started_at
    from run_starts_{{ bucket }}

),

-- a session starts with a run, and inside a run with every event whose campaign source
-- differs from the one in force (the last one seen earlier in the same run, if any)
session_starts_{{ bucket }} as (

    select
        *,
        case
            when is_run_start = 1 then 1
            when
                campaign_key is not null
                and campaign_key != coalesce(
                    case when previous_campaign_at >= run_started_at then previous_campaign_key end, ''
                )
                then 1
            else 0
        end as is_session_start
    from activity_runs_{{ bucket }}

),

sessionized_events_{{ bucket }} as (

    select
        *,
        sum(is_session_start) over (
            partition by platform, visitor_id
            order by event_at asc nulls last, event_id asc nulls last
            rows between unbounded preceding and current row
        ) as visitor_session_index
    from session_starts_{{ bucket }}

),

sessions_{{ bucket }} as (

    select
        platform,
        visitor_id,
        visitor_session_index,
        min(event_at) as session_start_at,
        max(event_at) as session_end_at,
        max(case when is_session_start = 1 then event_id end) as first_event_id,
        max(user_id) as user_id,
        count(*) as event_count,
        sum(case when is_page_view then 1 else 0 end) as page_view_count,
        coalesce(sum(engagement_time_msec), 0) as engagement_time_msec,
        max(case when event_name = 'view_item' then 1 else 0 end) = 1 as has_product_view,
        max(case when event_name = 'add_to_cart' then 1 else 0 end) = 1 as has_add_to_cart,
        max(case when event_name = 'begin_checkout' then 1 else 0 end) = 1 as has_checkout,
        max(case when event_name = 'purchase' then 1 else 0 end) = 1 as has_purchase,
        max(case when event_name = 'login' then 1 else 0 end) = 1 as has_login,
        max(case when event_name = 'purchase' then transaction_id end) as transaction_id,
        sum(case when event_name = 'purchase' then purchase_value_eur end) as purchase_value_eur,
        max(case when is_bot then 1 else 0 end) = 1 as is_bot
    from sessionized_events_{{ bucket }}
    group by platform, visitor_id, visitor_session_index

),

{% endfor %}
-- the sessions of every bucket of visitors
sessions as (
    {% for bucket in range(visitor_buckets) %}
    select * from sessions_{{ bucket }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- the landing page and campaign of each session: those of its first event (every session has
-- exactly one session-start event, and event ids are unique per platform). The staging events
-- are read again here on purpose, not taken from the `events_<bucket>` CTEs: DuckDB materialises a CTE
-- that is read twice, with every column (for the staging verdicts at scale 10 that ran out of
-- memory_limit, see bench/notes.md, stop 18); the windows above sort the narrow columns only.
landing_events as (

    select
        'web' as platform,
        event_id,
        page_location as page,
        traffic_source,
        traffic_medium,
        utm_campaign as traffic_campaign,
        gclid,
        default_channel_group
    from {{ ref('stg_web_analytics__events') }}
    where
        user_pseudo_id is not null
        and {{ lookback_window_filter('event_at', 'session_date', context_days) }}

    union all

    select
        'app' as platform,
        event_id,
        screen_name as page,
        traffic_source,
        traffic_medium,
        utm_campaign as traffic_campaign,
        cast(null as {{ dbt.type_string() }}) as gclid,
        default_channel_group
    from {{ ref('stg_app_analytics__events') }}
    where
        device_id is not null
        and {{ lookback_window_filter('event_at', 'session_date', context_days) }}

),

sessions_with_landing as (

    select
        sessions.*,
        landing_events.page as landing_page,
        landing_events.traffic_source,
        landing_events.traffic_medium,
        landing_events.traffic_campaign,
        landing_events.gclid,
        landing_events.default_channel_group
    from sessions
    left join landing_events
        on
            sessions.platform = landing_events.platform
            and sessions.first_event_id = landing_events.event_id

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "platform", "'|'", "visitor_id", "'|'",
            "cast(session_start_at as " ~ dbt.type_string() ~ ")", "'|'", "first_event_id",
        ])) }} as session_key,
        platform,
        visitor_id,
        user_id,
        first_event_id,
        session_start_at,
        session_end_at,
        cast(session_start_at as date) as session_date,
        landing_page,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        gclid,
        default_channel_group,
        event_count,
        page_view_count,
        engagement_time_msec,
        has_product_view,
        has_add_to_cart,
        has_checkout,
        has_purchase,
        has_login,
        transaction_id,
        purchase_value_eur,
        is_bot
    from sessions_with_landing

)

select * from final
where {{ lookback_filter('session_date') }}
