-- One row per non-cancelled order of an identified customer (unified customer_id), numbered
-- in the customer's order of time, with the customer's first order, the gap since the previous
-- order, calendar months since the first order's month (month 0), and the as-of date of the
-- customer marts: the day after the newest order date, unless var customers_as_of_date is set.

{%- if var('customers_as_of_date', none) %}
{%- set as_of_expression = "max(cast('" ~ var('customers_as_of_date') ~ "' as date))" %}
{%- else %}
{%- set as_of_expression = "cast(" ~ dbt.dateadd('day', 1, 'max(order_date)') ~ " as date)" %}
{%- endif %}

with

orders as (
    select
        order_key,
        customer_id,
        order_channel,
        ordered_at,
        order_date,
        is_cancelled,
        net_sales_amount_eur,
        cm2_amount_eur
    from {{ ref('int_orders_unified') }}
),

as_of as (

    select {{ as_of_expression }} as as_of_date
    from orders

),

customer_orders as (

    select
        order_key,
        customer_id,
        order_channel,
        ordered_at,
        order_date,
        net_sales_amount_eur,
        cm2_amount_eur
    from orders
    cross join as_of
    where
        customer_id is not null
        and not is_cancelled
        and order_date < as_of.as_of_date

),

sequenced as (

    select
        customer_orders.*,
        row_number() over (
            partition by customer_id
            order by ordered_at asc nulls last, order_key asc nulls last
        ) as customer_order_number,
        min(ordered_at) over (partition by customer_id) as first_ordered_at,
        lag(ordered_at) over (
            partition by customer_id
            order by ordered_at asc nulls last, order_key asc nulls last
        ) as previous_ordered_at
    from customer_orders

),

final as (

    select
        sequenced.order_key,
        sequenced.customer_id,
        sequenced.order_channel,
        sequenced.ordered_at,
        sequenced.order_date,
        sequenced.net_sales_amount_eur,
        sequenced.cm2_amount_eur,
        sequenced.customer_order_number,
        sequenced.first_ordered_at,
        cast(sequenced.first_ordered_at as date) as first_order_date,
        cast({{ dbt.date_trunc('month', 'sequenced.first_ordered_at') }} as date) as cohort_month,
        cast({{ dbt.date_trunc('month', 'sequenced.ordered_at') }} as date) as order_month,
        {{ dbt.datediff(
            dbt.date_trunc('month', 'sequenced.first_ordered_at'),
            dbt.date_trunc('month', 'sequenced.ordered_at'),
            'month'
        ) }} as months_since_first_order,
        sequenced.previous_ordered_at,
        {{ dbt.datediff('sequenced.previous_ordered_at', 'sequenced.ordered_at', 'day') }}
            as days_since_previous_order,
        as_of.as_of_date,
        sequenced.ordered_at >= cast({{ dbt.dateadd('day', -365, 'as_of.as_of_date') }} as timestamp)
            as is_in_trailing_365_days
    from sequenced
    cross join as_of

)

select
    order_key,
    customer_id,
    order_channel,
    ordered_at,
    order_date,
    net_sales_amount_eur,
    cm2_amount_eur,
    cast(customer_order_number as bigint) as customer_order_number,
    first_ordered_at,
    first_order_date,
    cohort_month,
    order_month,
    cast(months_since_first_order as bigint) as months_since_first_order,
    previous_ordered_at,
    cast(days_since_previous_order as bigint) as days_since_previous_order,
    as_of_date,
    is_in_trailing_365_days
from final
