-- One row per order header of every order system, keyed `<source_system>:<source order id>`,
-- with its channel, UTC time, currency and the EUR rate of its (UTC) order date.
-- Money and customers are added downstream (int_orders_unified); lines, returns and
-- shipments find their order here.

with

shop_orders as (
    select
        order_id,
        order_source,
        created_at,
        currency_code,
        status,
        cancel_reason,
        fulfilment_method,
        fulfilment_location_id,
        call_id,
        shipping_amount_eur
    from {{ ref('stg_ecommerce__orders') }}
),

phone_orders as (
    select phone_order_id, call_id, agent_id, ordered_at from {{ ref('stg_call_centre__phone_orders') }}
),

pos_transactions as (
    select transaction_id, store_id, transaction_at, transaction_local_date, currency_code
    from {{ ref('stg_store_pos__transactions') }}
),

marketplace_orders as (
    select marketplace_order_id, marketplace, ordered_at, currency_code, status
    from {{ ref('stg_marketplace__orders') }}
),

stores as (
    select store_id, time_zone from {{ ref('stores') }}
),

rates as (
    select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}
),

shop_headers as (

    select
        {{ order_key('ecommerce', 'shop_orders.order_id') }} as order_key,
        'ecommerce' as source_system,
        shop_orders.order_id as source_order_id,
        shop_orders.order_source as order_channel,
        cast(null as {{ dbt.type_string() }}) as marketplace,
        shop_orders.created_at as ordered_at,
        cast(null as date) as till_local_date,
        cast(null as {{ dbt.type_string() }}) as store_id,
        shop_orders.fulfilment_location_id,
        shop_orders.fulfilment_method,
        shop_orders.status = 'cancelled' as is_cancelled,
        shop_orders.cancel_reason,
        shop_orders.currency_code,
        shop_orders.shipping_amount_eur as shipping_fee_amount_eur,
        coalesce(shop_orders.call_id, phone_orders.call_id) as call_id,
        phone_orders.agent_id,
        phone_orders.phone_order_id is not null as has_call_centre_record
    from shop_orders
    left join phone_orders
        on shop_orders.order_id = phone_orders.phone_order_id

),

-- a phone order the call centre recorded but the shop never received: kept, without lines
call_centre_only_headers as (

    select
        {{ order_key('call_centre', 'phone_orders.phone_order_id') }} as order_key,
        'call_centre' as source_system,
        phone_orders.phone_order_id as source_order_id,
        'phone' as order_channel,
        cast(null as {{ dbt.type_string() }}) as marketplace,
        phone_orders.ordered_at,
        cast(null as date) as till_local_date,
        cast(null as {{ dbt.type_string() }}) as store_id,
        cast(null as {{ dbt.type_string() }}) as fulfilment_location_id,
        cast(null as {{ dbt.type_string() }}) as fulfilment_method,
        false as is_cancelled,
        cast(null as {{ dbt.type_string() }}) as cancel_reason,
        cast(null as {{ dbt.type_string() }}) as currency_code,
        cast(0 as decimal(18, 2)) as shipping_fee_amount_eur,
        phone_orders.call_id,
        phone_orders.agent_id,
        true as has_call_centre_record
    from phone_orders
    left join shop_orders
        on phone_orders.phone_order_id = shop_orders.order_id
    where shop_orders.order_id is null

),

store_headers as (

    select
        {{ order_key('store_pos', 'transaction_id') }} as order_key,
        'store_pos' as source_system,
        transaction_id as source_order_id,
        'store' as order_channel,
        cast(null as {{ dbt.type_string() }}) as marketplace,
        transaction_at as ordered_at,
        transaction_local_date as till_local_date,
        store_id,
        store_id as fulfilment_location_id,
        'carry_out' as fulfilment_method,
        false as is_cancelled,
        cast(null as {{ dbt.type_string() }}) as cancel_reason,
        currency_code,
        cast(0 as decimal(18, 2)) as shipping_fee_amount_eur,
        cast(null as {{ dbt.type_string() }}) as call_id,
        cast(null as {{ dbt.type_string() }}) as agent_id,
        false as has_call_centre_record
    from pos_transactions

),

marketplace_headers as (

    select
        {{ order_key('marketplace', 'marketplace_order_id') }} as order_key,
        'marketplace' as source_system,
        marketplace_order_id as source_order_id,
        'marketplace' as order_channel,
        marketplace,
        ordered_at,
        cast(null as date) as till_local_date,
        cast(null as {{ dbt.type_string() }}) as store_id,
        cast(null as {{ dbt.type_string() }}) as fulfilment_location_id,
        'marketplace_fulfilled' as fulfilment_method,
        status = 'cancelled' as is_cancelled,
        case when status = 'cancelled' then 'marketplace_cancelled' end as cancel_reason,
        currency_code,
        cast(0 as decimal(18, 2)) as shipping_fee_amount_eur,
        cast(null as {{ dbt.type_string() }}) as call_id,
        cast(null as {{ dbt.type_string() }}) as agent_id,
        false as has_call_centre_record
    from marketplace_orders

),

headers as (
    select * from shop_headers
    union all
    select * from call_centre_only_headers
    union all
    select * from store_headers
    union all
    select * from marketplace_headers
),

dated as (

    select
        headers.*,
        cast(headers.ordered_at as date) as order_date,
        -- the store whose clock gives the local date: the till's store, else the fulfilling store
        coalesce(headers.store_id, stores.store_id) as local_store_id,
        stores.time_zone as fulfilment_store_time_zone
    from headers
    left join stores
        on headers.fulfilment_location_id = stores.store_id

),

final as (

    select
        dated.order_key,
        dated.source_system,
        dated.source_order_id,
        dated.order_channel,
        dated.marketplace,
        dated.ordered_at,
        dated.order_date,
        case
            when dated.till_local_date is not null then dated.till_local_date
            when dated.fulfilment_store_time_zone is not null
                then cast({{ utc_to_local('dated.ordered_at', 'dated.fulfilment_store_time_zone') }} as date)
            else dated.order_date
        end as order_local_date,
        dated.local_store_id,
        dated.store_id,
        dated.fulfilment_location_id,
        dated.fulfilment_method,
        dated.is_cancelled,
        dated.cancel_reason,
        coalesce(dated.cancel_reason = 'out_of_stock', false) as is_cancelled_for_stock,
        dated.currency_code,
        rates.eur_per_unit,
        dated.shipping_fee_amount_eur,
        dated.call_id,
        dated.agent_id,
        dated.has_call_centre_record
    from dated
    left join rates
        on
            dated.currency_code = rates.currency_code
            and dated.order_date = rates.rate_date

)

select
    order_key,
    source_system,
    source_order_id,
    order_channel,
    marketplace,
    ordered_at,
    order_date,
    order_local_date,
    local_store_id,
    store_id,
    fulfilment_location_id,
    fulfilment_method,
    is_cancelled,
    cancel_reason,
    is_cancelled_for_stock,
    currency_code,
    eur_per_unit,
    shipping_fee_amount_eur,
    call_id,
    agent_id,
    has_call_centre_record
from final
