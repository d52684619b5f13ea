{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_ecommerce__refunds_quarantine_checks') }}

),

order_lines as (

    select
        order_line_id,
        unit_price * quantity - discount_amount as line_net_amount
    from {{ ref('stg_ecommerce__order_lines_quarantine_checks') }}
    where
        quarantine_reason is null
        and duplicate_rank = 1

),

judged as (

    select
        checks.raw_row_id,
        checks.refund_id,
        checks.raw_payload,
        checks.extract_date,
        coalesce(
            checks.quarantine_reason,
            case when checks.amount > order_lines.line_net_amount + 0.005 then 'refund_exceeds_order' end
        ) as quarantine_reason
    from checks
    left join order_lines
        on checks.order_line_id = order_lines.order_line_id

)

select
    raw_row_id,
    'ecommerce.refunds' as source_table,
    cast(refund_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from judged
where quarantine_reason is not null
