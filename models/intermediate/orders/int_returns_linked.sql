-- Every return, whichever channel took it, linked back to the order it returns:
-- shop refunds (returned by post) and store till returns (of store sales, shop orders or
-- marketplace orders alike). The returned value is in EUR at the return date's rate (as
-- staging converted it). A return whose original order cannot be found is kept and flagged.

with

headers as (
    select order_key, source_system, source_order_id, order_channel, order_date, is_cancelled
    from {{ ref('int_order_headers_unioned') }}
),

refunds as (
    select
        refund_id,
        order_id,
        order_line_id,
        sku,
        quantity,
        amount,
        currency_code,
        refunded_at,
        reason,
        amount_eur
    from {{ ref('stg_ecommerce__refunds') }}
),

pos_returns as (
    select
        return_id,
        store_id,
        return_at,
        return_local_date,
        original_order_ref,
        sku,
        quantity,
        refund_amount,
        currency_code,
        refund_amount_eur
    from {{ ref('stg_store_pos__returns') }}
),

returns as (

    select
        {{ order_key('ecommerce', 'refund_id') }} as return_key,
        'ecommerce' as return_source_system,
        refund_id as source_return_id,
        'post' as return_channel,
        cast(null as {{ dbt.type_string() }}) as return_store_id,
        order_id as original_order_ref,
        'ecommerce' as expected_order_system,
        order_line_id as source_order_line_id,
        sku,
        quantity,
        refunded_at as returned_at,
        cast(refunded_at as date) as return_date,
        cast(refunded_at as date) as return_local_date,
        reason as return_reason,
        currency_code,
        amount as returned_amount,
        amount_eur as returned_amount_eur
    from refunds

    union all

    select
        {{ order_key('store_pos', 'return_id') }} as return_key,
        'store_pos' as return_source_system,
        return_id as source_return_id,
        'store' as return_channel,
        store_id as return_store_id,
        original_order_ref,
        cast(null as {{ dbt.type_string() }}) as expected_order_system,
        cast(null as {{ dbt.type_string() }}) as source_order_line_id,
        sku,
        quantity,
        return_at as returned_at,
        cast(return_at as date) as return_date,
        return_local_date,
        cast(null as {{ dbt.type_string() }}) as return_reason,
        currency_code,
        refund_amount as returned_amount,
        refund_amount_eur as returned_amount_eur
    from pos_returns

),

-- a till return names the original order by its id in whichever system sold it;
-- a refund's order is a shop order. If an id were ever found in two systems, the
-- expected one wins, then the alphabetically first system.
candidates as (

    select
        returns.return_key,
        headers.order_key,
        headers.order_channel,
        headers.order_date,
        headers.is_cancelled,
        row_number() over (
            partition by returns.return_key
            order by
                case when headers.source_system = returns.expected_order_system then 0 else 1 end asc nulls last,
                headers.source_system asc nulls last
        ) as match_rank
    from returns
    inner join headers
        on returns.original_order_ref = headers.source_order_id

),

matches as (
    select return_key, order_key, order_channel, order_date, is_cancelled
    from candidates
    where match_rank = 1
),

final as (

    select
        returns.return_key,
        returns.return_source_system,
        returns.source_return_id,
        returns.return_channel,
        returns.return_store_id,
        returns.original_order_ref,
        matches.order_key,
        matches.order_key is not null as has_original_order,
        matches.order_channel as original_order_channel,
        matches.order_date as original_order_date,
        coalesce(matches.is_cancelled, false) as is_original_order_cancelled,
        coalesce(returns.return_channel = 'store' and matches.order_channel != 'store', false) as is_cross_channel_return,
        returns.source_order_line_id,
        returns.sku,
        returns.quantity,
        returns.returned_at,
        returns.return_date,
        returns.return_local_date,
        returns.return_reason,
        returns.currency_code,
        returns.returned_amount,
        returns.returned_amount_eur
    from returns
    left join matches
        on returns.return_key = matches.return_key

)

select
    return_key,
    return_source_system,
    source_return_id,
    return_channel,
    return_store_id,
    original_order_ref,
    order_key,
    has_original_order,
    original_order_channel,
    original_order_date,
    is_original_order_cancelled,
    is_cross_channel_return,
    source_order_line_id,
    sku,
    quantity,
    returned_at,
    return_date,
    return_local_date,
    return_reason,
    currency_code,
    returned_amount,
    returned_amount_eur
from final
