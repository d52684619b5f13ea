-- dbt.datediff counts the boundaries crossed (weeks from Monday), dbt.dateadd keeps the
-- month's end and dbt.date_trunc('week') goes back to Monday, on every engine: each case
-- below was counted by hand; a row returned is a case the engine gets wrong.

with

cases as (

    select
        'day across midnight' as case_name,
        {{ dbt.datediff("cast('2025-01-01 23:59:00' as timestamp)", "cast('2025-01-02 00:01:00' as timestamp)", 'day') }} as computed,
        1 as expected
    union all
    select
        'days backwards',
        {{ dbt.datediff("cast('2025-03-01' as date)", "cast('2025-02-27' as date)", 'day') }},
        -2
    union all
    select
        'week from Sunday to Monday',
        {{ dbt.datediff("cast('2025-01-05' as date)", "cast('2025-01-06' as date)", 'week') }},
        1
    union all
    select
        'week from Monday to Sunday',
        {{ dbt.datediff("cast('2025-01-06' as date)", "cast('2025-01-12' as date)", 'week') }},
        0
    union all
    select
        'month from January 31 to February 28',
        {{ dbt.datediff("cast('2025-01-31' as date)", "cast('2025-02-28' as date)", 'month') }},
        1
    union all
    select
        'month within January',
        {{ dbt.datediff("cast('2025-01-01' as date)", "cast('2025-01-31' as date)", 'month') }},
        0
    union all
    select
        'month across the new year',
        {{ dbt.datediff("cast('2024-12-31' as date)", "cast('2025-01-01' as date)", 'month') }},
        1
    union all
    select
        'quarter',
        {{ dbt.datediff("cast('2025-03-31' as date)", "cast('2025-04-01' as date)", 'quarter') }},
        1
    union all
    select
        'year',
        {{ dbt.datediff("cast('2024-12-31' as date)", "cast('2025-01-01' as date)", 'year') }},
        1
    union all
    select
        'half an hour within one hour',
        {{ dbt.datediff("cast('2025-01-01 10:00:00' as timestamp)", "cast('2025-01-01 10:30:00' as timestamp)", 'hour') }},
        0
    union all
    select
        'two minutes across an hour',
        {{ dbt.datediff("cast('2025-01-01 10:59:00' as timestamp)", "cast('2025-01-01 11:01:00' as timestamp)", 'hour') }},
        1
    union all
    select
        'one second across a minute',
        {{ dbt.datediff("cast('2025-01-01 10:00:59' as timestamp)", "cast('2025-01-01 10:01:00' as timestamp)", 'minute') }},
        1
    union all
    select
        'seconds',
        {{ dbt.datediff("cast('2025-01-01 10:00:00' as timestamp)", "cast('2025-01-01 10:02:05' as timestamp)", 'second') }},
        125
    union all
    select
        'one month after January 31',
        case
            when cast({{ dbt.dateadd('month', 1, "cast('2025-01-31' as date)") }} as date) = cast('2025-02-28' as date) then 0
            else 1
        end,
        0
    union all
    select
        'three days before March 1',
        case
            when cast({{ dbt.dateadd('day', -3, "cast('2025-03-01' as date)") }} as date) = cast('2025-02-26' as date) then 0
            else 1
        end,
        0
    union all
    select
        'week start of a Sunday',
        case
            when cast({{ dbt.date_trunc('week', "cast('2025-01-05' as date)") }} as date) = cast('2024-12-30' as date) then 0
            else 1
        end,
        0

)

select
    case_name,
    computed,
    expected
from cases
where computed is null or computed <> expected
