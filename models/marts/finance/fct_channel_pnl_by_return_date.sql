-- Returns as the channels that took them saw them: one row per return date and return
-- channel (store till or post), with the value returned and how much of it belongs to
-- orders placed in another channel. The companion of fct_channel_pnl, which credits the
-- same returns to the original order's channel and date instead.

with

returns as (
    select
        return_date,
        return_channel,
        quantity,
        returned_amount_eur,
        has_original_order,
        is_original_order_cancelled,
        is_cross_channel_return
    from {{ ref('int_returns_linked') }}
),

final as (

    select
        return_date,
        return_channel,
        count(*) as return_count,
        sum(quantity) as returned_units,
        sum(returned_amount_eur) as returned_amount_eur,
        sum(
            case when has_original_order and not is_original_order_cancelled then returned_amount_eur else 0 end
        ) as pnl_credited_returned_amount_eur,
        sum(case when is_cross_channel_return then returned_amount_eur else 0 end)
            as cross_channel_returned_amount_eur,
        sum(case when has_original_order then 0 else 1 end) as unlinked_return_count
    from returns
    group by return_date, return_channel

)

select
    return_date,
    return_channel,
    cast(return_count as bigint) as return_count,
    cast(returned_units as bigint) as returned_units,
    cast(returned_amount_eur as decimal(18, 2)) as returned_amount_eur,
    cast(pnl_credited_returned_amount_eur as decimal(18, 2)) as pnl_credited_returned_amount_eur,
    cast(cross_channel_returned_amount_eur as decimal(18, 2)) as cross_channel_returned_amount_eur,
    cast(unlinked_return_count as bigint) as unlinked_return_count
from final
