-- Monthly cohort retention (metrics.md): customers by the month of their first order (month 0);
-- retained in month n (n = 1..24) = cohort customers with an order in the n-th calendar month
-- after it. One row per cohort and n for every month n that has started by the as-of date.

with

customer_orders as (
    select customer_id, cohort_month, months_since_first_order, as_of_date
    from {{ ref('int_customer_orders_sequenced') }}
),

month_numbers as (
    {%- for n in range(1, 25) %}
    select {{ n }} as months_since_first_order
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

cohorts as (

    select
        cohort_month,
        min(as_of_date) as as_of_date,
        count(distinct customer_id) as cohort_customer_count
    from customer_orders
    group by cohort_month

),

retained as (

    select
        cohort_month,
        months_since_first_order,
        count(distinct customer_id) as retained_customer_count
    from customer_orders
    where months_since_first_order between 1 and 24
    group by cohort_month, months_since_first_order

),

grid as (

    select
        cohorts.cohort_month,
        cohorts.as_of_date,
        cohorts.cohort_customer_count,
        month_numbers.months_since_first_order,
        cast({{ dbt.dateadd('month', 'month_numbers.months_since_first_order', 'cohorts.cohort_month') }} as date)
            as activity_month
    from cohorts
    cross join month_numbers

),

final as (

    select
        grid.cohort_month,
        grid.months_since_first_order,
        grid.activity_month,
        cast({{ dbt.dateadd('month', 1, 'grid.activity_month') }} as date) <= grid.as_of_date as is_month_complete,
        grid.cohort_customer_count,
        coalesce(retained.retained_customer_count, 0) as retained_customer_count
    from grid
    left join retained
        on
            grid.cohort_month = retained.cohort_month
            and grid.months_since_first_order = retained.months_since_first_order
    where grid.activity_month < grid.as_of_date

)

select
    cohort_month,
    cast(months_since_first_order as integer) as months_since_first_order,
    activity_month,
    is_month_complete,
    cast(retained_customer_count as bigint) as retention_rate_numerator,
    cast(cohort_customer_count as bigint) as retention_rate_denominator,
    {{ ratio_or_null('retained_customer_count', 'cohort_customer_count') }} as retention_rate
from final
