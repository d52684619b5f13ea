-- One row per marketing touch a customer or visitor had, from every system that sees one:
-- ad clicks (with the web session their gclid landed, and their cost: campaign-day spend /
-- campaign-day clicks), email and SMS clicks, sessions that came from search, social,
-- referrals, display or paid campaigns (Direct sessions are no touch; Email and SMS sessions are
-- the messaging clicks already counted; a paid session whose gclid matches an ad click is that
-- click), store visits (the app's geofence, or a loyalty card scanned at the till outside any
-- geofence visit of the same customer and store) and calls to the call centre.
-- customer_id is joined late from the identity graph (null for anonymous visitors).

with

sessions as (

    select
        session_key,
        platform,
        visitor_id,
        customer_id,
        session_start_at,
        default_channel_group,
        traffic_campaign,
        gclid
    from {{ ref('int_sessions_rebuilt') }}

),

ad_clicks as (
    select click_id, campaign_id, clicked_at from {{ ref('stg_ads__clicks') }}
),

ad_campaigns as (
    select campaign_id, campaign_type from {{ ref('stg_ads__campaigns') }}
),

ad_performance as (
    select campaign_id, performance_date, clicks, spend_eur from {{ ref('stg_ads__daily_performance') }}
),

message_sends as (
    select message_id, campaign_id, message_channel from {{ ref('stg_messaging__sends') }}
),

message_engagements as (
    select engagement_id, message_id, engagement_type, engaged_at from {{ ref('stg_messaging__engagements') }}
),

geofence_visits as (
    select visit_id, device_id, store_id, entered_at, exited_at from {{ ref('stg_app_analytics__geofence_visits') }}
),

pos_transactions as (
    select transaction_id, store_id, transaction_at, loyalty_card_number from {{ ref('stg_store_pos__transactions') }}
),

calls as (
    select call_id, started_at from {{ ref('stg_call_centre__calls') }}
),

stitched_records as (
    select source_system, source_table, source_record_id, customer_id from {{ ref('int_source_records_stitched') }}
),

junk_identifiers as (
    select node_id from {{ ref('int_identity_junk_identifiers_flagged') }}
),

-- the web session an ad click landed: the first one whose landing URL carries its gclid
gclid_sessions_ranked as (

    select
        session_key,
        platform,
        visitor_id,
        customer_id,
        default_channel_group,
        gclid,
        row_number() over (partition by gclid order by session_start_at asc nulls last, session_key asc nulls last) as landing_rank
    from sessions
    where gclid is not null

),

landing_sessions as (

    select session_key, platform, visitor_id, customer_id, default_channel_group, gclid
    from gclid_sessions_ranked
    where landing_rank = 1

),

-- the spend of a campaign-day spread evenly over its clicks
cost_per_click as (

    select
        campaign_id,
        performance_date,
        cast(spend_eur / clicks as decimal(18, 6)) as cost_per_click_eur
    from ad_performance
    where clicks > 0

),

ad_click_touches as (

    select
        'ad_click' as touchpoint_type,
        ad_clicks.click_id as source_record_id,
        'ads' as touchpoint_channel,
        coalesce(
            landing_sessions.default_channel_group,
            case ad_campaigns.campaign_type
                when 'search' then 'Paid Search'
                when 'social' then 'Paid Social'
                when 'display' then 'Display'
            end
        ) as default_channel_group,
        landing_sessions.customer_id,
        landing_sessions.visitor_id,
        landing_sessions.session_key,
        landing_sessions.platform,
        ad_clicks.campaign_id,
        cast(null as {{ dbt.type_string() }}) as store_id,
        ad_clicks.clicked_at as touched_at,
        cost_per_click.cost_per_click_eur as cost_amount_eur
    from ad_clicks
    left join landing_sessions
        on ad_clicks.click_id = landing_sessions.gclid
    left join ad_campaigns
        on ad_clicks.campaign_id = ad_campaigns.campaign_id
    left join cost_per_click
        on
            ad_clicks.campaign_id = cost_per_click.campaign_id
            and cast(ad_clicks.clicked_at as date) = cost_per_click.performance_date

),

message_click_touches as (

    select
        {{ dbt.concat(["message_sends.message_channel", "'_click'"]) }} as touchpoint_type,
        message_engagements.engagement_id as source_record_id,
        message_sends.message_channel as touchpoint_channel,
        case message_sends.message_channel when 'sms' then 'SMS' else 'Email' end as default_channel_group,
        stitched_records.customer_id,
        cast(null as {{ dbt.type_string() }}) as visitor_id,
        cast(null as {{ dbt.type_string() }}) as session_key,
        cast(null as {{ dbt.type_string() }}) as platform,
        message_sends.campaign_id,
        cast(null as {{ dbt.type_string() }}) as store_id,
        message_engagements.engaged_at as touched_at,
        cast(null as decimal(18, 6)) as cost_amount_eur
    from message_engagements
    inner join message_sends
        on message_engagements.message_id = message_sends.message_id
    left join stitched_records
        on
            stitched_records.source_system = 'messaging'
            and stitched_records.source_table = 'sends'
            and message_engagements.message_id = stitched_records.source_record_id
    where message_engagements.engagement_type = 'click'

),

session_touches as (

    select
        'session' as touchpoint_type,
        sessions.session_key as source_record_id,
        sessions.platform as touchpoint_channel,
        sessions.default_channel_group,
        sessions.customer_id,
        sessions.visitor_id,
        sessions.session_key,
        sessions.platform,
        sessions.traffic_campaign as campaign_id,
        cast(null as {{ dbt.type_string() }}) as store_id,
        sessions.session_start_at as touched_at,
        cast(null as decimal(18, 6)) as cost_amount_eur
    from sessions
    left join ad_clicks
        on sessions.gclid = ad_clicks.click_id
    where
        sessions.default_channel_group not in ('Direct', 'Email', 'SMS')
        and ad_clicks.click_id is null

),

geofence_touches as (

    select
        'store_visit_geofence' as touchpoint_type,
        geofence_visits.visit_id as source_record_id,
        'store' as touchpoint_channel,
        cast(null as {{ dbt.type_string() }}) as default_channel_group,
        stitched_records.customer_id,
        geofence_visits.device_id as visitor_id,
        cast(null as {{ dbt.type_string() }}) as session_key,
        'app' as platform,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        geofence_visits.store_id,
        geofence_visits.entered_at as touched_at,
        cast(null as decimal(18, 6)) as cost_amount_eur,
        geofence_visits.exited_at
    from geofence_visits
    left join stitched_records
        on
            stitched_records.source_system = 'app_analytics'
            and stitched_records.source_table = 'geofence_visits'
            and geofence_visits.visit_id = stitched_records.source_record_id

),

loyalty_scans as (

    select
        pos_transactions.transaction_id,
        pos_transactions.store_id,
        pos_transactions.transaction_at,
        stitched_records.customer_id
    from pos_transactions
    inner join stitched_records
        on
            stitched_records.source_system = 'store_pos'
            and stitched_records.source_table = 'transactions'
            and pos_transactions.transaction_id = stitched_records.source_record_id
    left join junk_identifiers
        on {{ identity_node('loyalty', 'pos_transactions.loyalty_card_number') }} = junk_identifiers.node_id
    where
        pos_transactions.loyalty_card_number is not null
        and junk_identifiers.node_id is null
        and stitched_records.customer_id is not null

),

-- a scan during a geofence visit of the same customer at the same store is that visit
loyalty_scan_touches as (

    select
        'store_visit_loyalty_scan' as touchpoint_type,
        loyalty_scans.transaction_id as source_record_id,
        'store' as touchpoint_channel,
        cast(null as {{ dbt.type_string() }}) as default_channel_group,
        loyalty_scans.customer_id,
        cast(null as {{ dbt.type_string() }}) as visitor_id,
        cast(null as {{ dbt.type_string() }}) as session_key,
        cast(null as {{ dbt.type_string() }}) as platform,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        loyalty_scans.store_id,
        loyalty_scans.transaction_at as touched_at,
        cast(null as decimal(18, 6)) as cost_amount_eur
    from loyalty_scans
    left join geofence_touches
        on
            loyalty_scans.customer_id = geofence_touches.customer_id
            and loyalty_scans.store_id = geofence_touches.store_id
            and loyalty_scans.transaction_at >= geofence_touches.touched_at
            and loyalty_scans.transaction_at <= geofence_touches.exited_at
    where geofence_touches.source_record_id is null

),

call_touches as (

    select
        'call' as touchpoint_type,
        calls.call_id as source_record_id,
        'phone' as touchpoint_channel,
        cast(null as {{ dbt.type_string() }}) as default_channel_group,
        stitched_records.customer_id,
        cast(null as {{ dbt.type_string() }}) as visitor_id,
        cast(null as {{ dbt.type_string() }}) as session_key,
        cast(null as {{ dbt.type_string() }}) as platform,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as store_id,
        calls.started_at as touched_at,
        cast(null as decimal(18, 6)) as cost_amount_eur
    from calls
    left join stitched_records
        on
            stitched_records.source_system = 'call_centre'
            and stitched_records.source_table = 'calls'
            and calls.call_id = stitched_records.source_record_id

),

touches as (

    select * from ad_click_touches
    union all
    select * from message_click_touches
    union all
    select * from session_touches
    union all
    select
        touchpoint_type,
        source_record_id,
        touchpoint_channel,
        default_channel_group,
        customer_id,
        visitor_id,
        session_key,
        platform,
        campaign_id,
        store_id,
        touched_at,
        cost_amount_eur
    from geofence_touches
    union all
    select * from loyalty_scan_touches
    union all
    select * from call_touches

),

final as (

    select
        {{ dbt.hash(dbt.concat(["touchpoint_type", "'|'", "source_record_id"])) }} as touchpoint_key,
        touchpoint_type,
        source_record_id,
        touchpoint_channel,
        default_channel_group,
        customer_id,
        visitor_id,
        session_key,
        platform,
        campaign_id,
        store_id,
        touched_at,
        cast(touched_at as date) as touched_date,
        cost_amount_eur
    from touches

)

select * from final
