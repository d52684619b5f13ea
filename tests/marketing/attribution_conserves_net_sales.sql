-- For every attribution model, the net sales and CM2 attributed to touches (and to
-- `unattributed`) add up to the net sales and CM2 of the converting orders - every
-- non-cancelled order - to the cent, per order and in total. Returns the offending
-- (order, model) pairs, and a model missing an order.

with

conversions as (
    select order_key, net_sales_amount_eur, cm2_amount_eur
    from {{ ref('int_orders_unified') }}
    where not is_cancelled
),

models as (
    select distinct attribution_model from {{ ref('fct_attribution') }}
),

attributed as (
    select
        order_key,
        attribution_model,
        sum(attributed_net_sales_amount_eur) as attributed_net_sales_amount_eur,
        sum(attributed_cm2_amount_eur) as attributed_cm2_amount_eur,
        sum(attribution_weight) as weight_total
    from {{ ref('fct_attribution') }}
    group by order_key, attribution_model
)

select
    conversions.order_key,
    models.attribution_model,
    conversions.net_sales_amount_eur,
    attributed.attributed_net_sales_amount_eur,
    conversions.cm2_amount_eur,
    attributed.attributed_cm2_amount_eur,
    attributed.weight_total
from conversions
cross join models
left join attributed
    on
        conversions.order_key = attributed.order_key
        and models.attribution_model = attributed.attribution_model
where
    attributed.order_key is null
    or attributed.attributed_net_sales_amount_eur <> conversions.net_sales_amount_eur
    or attributed.attributed_cm2_amount_eur <> conversions.cm2_amount_eur
    or abs(attributed.weight_total - 1) > 1e-9
