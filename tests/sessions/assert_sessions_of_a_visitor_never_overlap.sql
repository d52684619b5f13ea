-- The sessions of one visitor (cookie or device) never overlap: each starts after the
-- previous one ended. Returns every session that starts before its predecessor's end.

with

sessions as (

    select
        session_key,
        platform,
        visitor_id,
        session_start_at,
        session_end_at
    from {{ ref('int_sessions_sessionized') }}

),

with_previous as (

    select
        *,
        lag(session_end_at) over (
            partition by platform, visitor_id
            order by session_start_at asc nulls last, session_key asc nulls last
        ) as previous_session_end_at
    from sessions

)

select
    session_key,
    platform,
    visitor_id,
    session_start_at,
    previous_session_end_at
from with_previous
where session_start_at < previous_session_end_at
