-- One row per store (stores seed): location, IANA time zone (store-local dates come from
-- it), till currency, opening date and the daily operating cost that CM3 charges.

with

stores as (
    select
        store_id,
        store_name,
        country_code,
        city,
        time_zone,
        currency_code,
        opened_date,
        daily_operating_cost_eur
    from {{ ref('stores') }}
)

select
    store_id,
    store_name,
    country_code,
    city,
    time_zone,
    currency_code,
    opened_date,
    cast(daily_operating_cost_eur as decimal(18, 2)) as daily_operating_cost_amount_eur
from stores
