-- One row per CRM lead, joined to the unified customer it became (identity graph, through the
-- lead's contact) and to that customer's orders placed within 90 days of the lead's creation
-- (created_at <= ordered_at < created_at + 90 days, every channel; a cancelled order is still an
-- order placed, with zero net sales): the first of them, days to convert, and their net sales.
-- A lead counts once: its orders are summed per lead, never fanned out.

{%- set window_days = 90 %}

with

leads as (
    select lead_id, contact_id, lead_source, status, created_at
    from {{ ref('stg_crm__leads') }}
),

stitched as (
    select source_record_id, customer_id
    from {{ ref('int_source_records_stitched') }}
    where source_system = 'crm' and source_table = 'leads'
),

orders as (
    select order_key, customer_id, ordered_at, is_cancelled, net_sales_amount_eur
    from {{ ref('int_orders_unified') }}
    where customer_id is not null
),

data_end as (
    select max(ordered_at) as last_ordered_at from {{ ref('int_orders_unified') }}
),

lead_customers as (

    select
        leads.lead_id,
        leads.contact_id,
        leads.lead_source,
        leads.status,
        leads.created_at,
        stitched.customer_id
    from leads
    left join stitched
        on leads.lead_id = stitched.source_record_id

),

orders_in_window as (

    select
        lead_customers.lead_id,
        orders.order_key,
        orders.ordered_at,
        orders.net_sales_amount_eur,
        row_number() over (
            partition by lead_customers.lead_id
            order by orders.ordered_at asc nulls last, orders.order_key asc nulls last
        ) as order_rank
    from lead_customers
    inner join orders
        on
            lead_customers.customer_id = orders.customer_id
            and lead_customers.created_at <= orders.ordered_at
            and orders.ordered_at < {{ dbt.dateadd('day', window_days, 'lead_customers.created_at') }}

),

per_lead as (

    select
        lead_id,
        count(*) as order_count,
        sum(net_sales_amount_eur) as net_sales_amount_eur,
        min(case when order_rank = 1 then order_key end) as first_order_key,
        min(ordered_at) as first_ordered_at
    from orders_in_window
    group by lead_id

),

final as (

    select
        lead_customers.lead_id,
        lead_customers.contact_id,
        lead_customers.lead_source,
        lead_customers.status,
        lead_customers.created_at,
        cast(lead_customers.created_at as date) as lead_date,
        cast({{ dbt.date_trunc('month', 'lead_customers.created_at') }} as date) as lead_month,
        lead_customers.customer_id,
        lead_customers.customer_id is not null as is_identified,
        per_lead.first_order_key,
        per_lead.first_ordered_at,
        per_lead.first_order_key is not null as is_converted,
        case
            when per_lead.first_ordered_at is not null
                then {{ dbt.datediff('lead_customers.created_at', 'per_lead.first_ordered_at', 'day') }}
        end as days_to_convert,
        coalesce(per_lead.order_count, 0) as order_count_90d,
        coalesce(per_lead.net_sales_amount_eur, 0) as net_sales_90d_amount_eur,
        data_end.last_ordered_at >= {{ dbt.dateadd('day', window_days, 'lead_customers.created_at') }}
            as is_window_complete
    from lead_customers
    cross join data_end
    left join per_lead
        on lead_customers.lead_id = per_lead.lead_id

)

select
    lead_id,
    contact_id,
    lead_source,
    status,
    created_at,
    lead_date,
    lead_month,
    customer_id,
    is_identified,
    first_order_key,
    first_ordered_at,
    is_converted,
    cast(days_to_convert as integer) as days_to_convert,
    cast(order_count_90d as bigint) as order_count_90d,
    cast(net_sales_90d_amount_eur as decimal(18, 2)) as net_sales_90d_amount_eur,
    coalesce(is_window_complete, false) as is_window_complete
from final
