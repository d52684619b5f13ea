-- Leads per cohort month (of lead creation) and lead source (metrics.md, Leads): revenue per
-- lead = net sales of the orders the lead's customer placed within 90 days of the lead's
-- creation / leads created; lead conversion rate = leads whose customer ordered within 90
-- days / leads; median days to convert over the converted leads. A lead counts once.

with

leads as (
    select
        lead_month,
        lead_source,
        is_identified,
        is_converted,
        is_window_complete,
        days_to_convert,
        net_sales_90d_amount_eur
    from {{ ref('int_leads_converted') }}
),

aggregated as (

    select
        lead_month,
        lead_source,
        count(*) as lead_count,
        sum(case when is_identified then 1 else 0 end) as identified_lead_count,
        sum(case when is_window_complete then 1 else 0 end) as window_complete_lead_count,
        sum(case when is_converted then 1 else 0 end) as converted_lead_count,
        sum(net_sales_90d_amount_eur) as net_sales_90d_amount_eur,
        {{ median('case when is_converted then days_to_convert end') }} as median_days_to_convert
    from leads
    group by lead_month, lead_source

)

select
    cast(lead_month as date) as lead_month,
    cast(lead_source as {{ dbt.type_string() }}) as lead_source,
    cast(lead_count as bigint) as lead_count,
    cast(identified_lead_count as bigint) as identified_lead_count,
    cast(window_complete_lead_count as bigint) as window_complete_lead_count,
    cast(converted_lead_count as bigint) as converted_lead_count,
    cast(net_sales_90d_amount_eur as decimal(18, 2)) as net_sales_90d_amount_eur,
    cast(net_sales_90d_amount_eur as decimal(18, 2)) as revenue_per_lead_eur_numerator,
    cast(lead_count as bigint) as revenue_per_lead_eur_denominator,
    {{ ratio_or_null('net_sales_90d_amount_eur', 'lead_count') }} as revenue_per_lead_eur,
    cast(converted_lead_count as bigint) as lead_conversion_rate_numerator,
    cast(lead_count as bigint) as lead_conversion_rate_denominator,
    {{ ratio_or_null('converted_lead_count', 'lead_count') }} as lead_conversion_rate,
    cast(median_days_to_convert as double) as median_days_to_convert
from aggregated
