-- Email and SMS click-through (metrics.md), per send day, channel and campaign, counted per
-- message (a message clicked twice counts once): CTR = messages clicked / messages delivered,
-- click-to-open = messages clicked / messages opened. The export has no bounce or delivery
-- receipts, so every message sent counts as delivered. A click proves an email was opened
-- (images blocked hide the open pixel), so a clicked email counts as opened. SMS has no open
-- tracking: opened is 0 and click-to-open null.

with

sends as (
    select message_id, campaign_id, message_channel, sent_at from {{ ref('stg_messaging__sends') }}
),

engagements as (
    select message_id, engagement_type from {{ ref('stg_messaging__engagements') }}
),

per_message as (

    select
        message_id,
        max(case when engagement_type = 'open' then 1 else 0 end) as is_opened,
        max(case when engagement_type = 'click' then 1 else 0 end) as is_clicked
    from engagements
    group by message_id

),

messages as (

    select
        cast(sends.sent_at as date) as send_date,
        sends.message_channel,
        sends.campaign_id,
        coalesce(per_message.is_clicked, 0) as is_clicked,
        case
            when sends.message_channel = 'email'
                then greatest(coalesce(per_message.is_opened, 0), coalesce(per_message.is_clicked, 0))
            else 0
        end as is_opened
    from sends
    left join per_message
        on sends.message_id = per_message.message_id

),

daily as (

    select
        send_date,
        message_channel,
        campaign_id,
        count(*) as delivered_count,
        sum(is_opened) as opened_count,
        sum(is_clicked) as clicked_count
    from messages
    group by send_date, message_channel, campaign_id

),

final as (

    select
        cast(send_date as date) as send_date,
        cast(message_channel as {{ dbt.type_string() }}) as message_channel,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(delivered_count as bigint) as delivered_count,
        cast(opened_count as bigint) as opened_count,
        cast(clicked_count as bigint) as clicked_count,
        cast(clicked_count as bigint) as click_through_rate_numerator,
        cast(delivered_count as bigint) as click_through_rate_denominator,
        {{ ratio_or_null('clicked_count', 'delivered_count') }} as click_through_rate,
        cast(opened_count as bigint) as open_rate_numerator,
        cast(delivered_count as bigint) as open_rate_denominator,
        {{ ratio_or_null('opened_count', 'delivered_count') }} as open_rate,
        cast(clicked_count as bigint) as click_to_open_rate_numerator,
        cast(opened_count as bigint) as click_to_open_rate_denominator,
        {{ ratio_or_null('clicked_count', 'opened_count') }} as click_to_open_rate
    from daily

)

select
    send_date,
    message_channel,
    campaign_id,
    delivered_count,
    opened_count,
    clicked_count,
    click_through_rate_numerator,
    click_through_rate_denominator,
    click_through_rate,
    open_rate_numerator,
    open_rate_denominator,
    open_rate,
    click_to_open_rate_numerator,
    click_to_open_rate_denominator,
    click_to_open_rate
from final
