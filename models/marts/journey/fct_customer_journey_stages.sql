-- Customers reaching each journey stage per month (metrics.md, Journey stages), where a
-- customer reaches a stage at its first stage event (int_journey_stage_events), and the
-- conversion from the previous stage (awareness > consideration > decision > purchase >
-- service > loyalty): of the customers who first reached the previous stage that month, those
-- who reached this stage at or after that moment, and the median days it took them.

with

stage_events as (
    select customer_id, journey_stage, stage_rank, event_at
    from {{ ref('int_journey_stage_events') }}
),

stages as (
    select 'awareness' as journey_stage, 1 as stage_rank
    union all
    select 'consideration' as journey_stage, 2 as stage_rank
    union all
    select 'decision' as journey_stage, 3 as stage_rank
    union all
    select 'purchase' as journey_stage, 4 as stage_rank
    union all
    select 'service' as journey_stage, 5 as stage_rank
    union all
    select 'loyalty' as journey_stage, 6 as stage_rank
),

first_reached as (

    select
        customer_id,
        stage_rank,
        min(event_at) as reached_at
    from stage_events
    group by customer_id, stage_rank

),

-- the customer's first event of a stage at or after their first reach of the previous one
next_reached as (

    select
        previous_stage.customer_id,
        previous_stage.stage_rank + 1 as stage_rank,
        previous_stage.reached_at as previous_reached_at,
        min(stage_events.event_at) as reached_at
    from first_reached as previous_stage
    inner join stage_events
        on
            previous_stage.customer_id = stage_events.customer_id
            and stage_events.stage_rank = previous_stage.stage_rank + 1
            and previous_stage.reached_at <= stage_events.event_at
    group by previous_stage.customer_id, previous_stage.stage_rank, previous_stage.reached_at

),

reached_per_month as (

    select
        cast({{ dbt.date_trunc('month', 'reached_at') }} as date) as stage_month,
        stage_rank,
        count(*) as customers_reaching_count
    from first_reached
    group by 1, 2

),

cohorts as (

    select
        cast({{ dbt.date_trunc('month', 'first_reached.reached_at') }} as date) as stage_month,
        first_reached.stage_rank + 1 as stage_rank,
        count(*) as previous_stage_customer_count,
        sum(case when next_reached.customer_id is not null then 1 else 0 end) as converted_customer_count,
        {{ median(
            'case when next_reached.customer_id is not null then '
            ~ dbt.datediff('next_reached.previous_reached_at', 'next_reached.reached_at', 'second')
            ~ ' / cast(86400 as double) end'
        ) }} as median_days_from_previous_stage
    from first_reached
    left join next_reached
        on
            first_reached.customer_id = next_reached.customer_id
            and first_reached.stage_rank + 1 = next_reached.stage_rank
    where first_reached.stage_rank < 6
    group by 1, 2

),

months as (
    select stage_month from reached_per_month
    union
    select stage_month from cohorts
),

grid as (
    select months.stage_month, stages.journey_stage, stages.stage_rank
    from months
    cross join stages
)

select
    cast(grid.stage_month as date) as stage_month,
    cast(grid.journey_stage as {{ dbt.type_string() }}) as journey_stage,
    cast(grid.stage_rank as integer) as stage_rank,
    cast(coalesce(reached_per_month.customers_reaching_count, 0) as bigint) as customers_reaching_count,
    cast(previous_stage.journey_stage as {{ dbt.type_string() }}) as previous_journey_stage,
    cast(case when grid.stage_rank > 1 then coalesce(cohorts.converted_customer_count, 0) end as bigint)
        as stage_conversion_rate_numerator,
    cast(case when grid.stage_rank > 1 then coalesce(cohorts.previous_stage_customer_count, 0) end as bigint)
        as stage_conversion_rate_denominator,
    {{ ratio_or_null('cohorts.converted_customer_count', 'cohorts.previous_stage_customer_count') }}
        as stage_conversion_rate,
    cast(cohorts.median_days_from_previous_stage as double) as median_days_from_previous_stage
from grid
left join stages as previous_stage
    on grid.stage_rank = previous_stage.stage_rank + 1
left join reached_per_month
    on
        grid.stage_month = reached_per_month.stage_month
        and grid.stage_rank = reached_per_month.stage_rank
left join cohorts
    on
        grid.stage_month = cohorts.stage_month
        and grid.stage_rank = cohorts.stage_rank
