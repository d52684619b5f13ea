-- Channel paths for the Markov chain attribution model, one row per step. A converting path is
-- the channel sequence of a conversion's touches in its 30-day lookback; a non-converting path
-- is the sequence of an identified customer's touches that fall in no conversion's lookback.
-- Consecutive repeats of a channel are collapsed into one step (a state does not transition to
-- itself), so that the chain's states are channels, as in the usual removal-effect method.

with

conversion_touches as (
    select order_key, customer_id, touchpoint_key, attribution_channel, touched_at, touch_position
    from {{ ref('int_conversion_touches_windowed') }}
    where touchpoint_key is not null
),

touchpoints as (
    select touchpoint_key, touchpoint_type, default_channel_group, customer_id, touched_at
    from {{ ref('int_touchpoints_unified') }}
    where
        customer_id is not null
        and touchpoint_type in ('ad_click', 'email_click', 'sms_click', 'session', 'store_visit_geofence')
),

used_touches as (
    select distinct touchpoint_key from conversion_touches
),

unconverted_touches as (

    select
        {{ dbt.concat(["'customer:'", "touchpoints.customer_id"]) }} as path_id,
        false as is_converting,
        touchpoints.touchpoint_key,
        case
            when touchpoints.touchpoint_type = 'store_visit_geofence' then 'Store Visit'
            else coalesce(touchpoints.default_channel_group, 'Unassigned')
        end as attribution_channel,
        touchpoints.touched_at
    from touchpoints
    left join used_touches
        on touchpoints.touchpoint_key = used_touches.touchpoint_key
    where used_touches.touchpoint_key is null

),

all_touches as (

    select
        {{ dbt.concat(["'order:'", "order_key"]) }} as path_id,
        true as is_converting,
        touchpoint_key,
        attribution_channel,
        touched_at
    from conversion_touches

    union all

    select path_id, is_converting, touchpoint_key, attribution_channel, touched_at
    from unconverted_touches

),

ordered_touches as (

    select
        path_id,
        is_converting,
        attribution_channel,
        row_number() over (partition by path_id order by touched_at asc nulls last, touchpoint_key asc nulls last) as touch_number,
        lag(attribution_channel) over (partition by path_id order by touched_at asc nulls last, touchpoint_key asc nulls last)
            as previous_channel
    from all_touches

),

collapsed as (

    select
        path_id,
        is_converting,
        attribution_channel,
        row_number() over (partition by path_id order by touch_number asc nulls last) as step_number
    from ordered_touches
    where previous_channel is null or previous_channel != attribution_channel

)

select
    {{ dbt.concat(["path_id", "'#'", "cast(step_number as " ~ dbt.type_string() ~ ")"]) }} as path_step_key,
    path_id,
    is_converting,
    cast(step_number as integer) as step_number,
    cast(count(*) over (partition by path_id) as integer) as path_step_count,
    attribution_channel
from collapsed
