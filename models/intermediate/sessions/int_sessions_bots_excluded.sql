-- The sessions int_sessions_rebuilt leaves out as bot traffic (a crawler or headless user
-- agent on any event of the session), one row each, so the exclusion is visible and counted.

with

sessions as (

    select
        session_key,
        platform,
        visitor_id,
        session_start_at,
        session_end_at,
        session_date,
        event_count,
        page_view_count
    from {{ ref('int_sessions_sessionized') }}
    where is_bot

)

select
    session_key,
    platform,
    visitor_id,
    session_start_at,
    session_end_at,
    session_date,
    event_count,
    page_view_count,
    'bot_user_agent' as exclusion_reason
from sessions
