-- One row per return (shop refund by post or store till return), linked to the original
-- order whichever channel took it, with its value in EUR at the return date's rate.

with

returns as (
    select * from {{ ref('int_returns_linked') }}
)

select
    return_key,
    return_source_system,
    source_return_id,
    return_channel,
    return_store_id,
    order_key,
    has_original_order,
    original_order_channel,
    original_order_date,
    is_original_order_cancelled,
    is_cross_channel_return,
    sku,
    cast(quantity as bigint) as quantity,
    returned_at,
    return_date,
    return_local_date,
    return_reason,
    currency_code,
    returned_amount_eur
from returns
