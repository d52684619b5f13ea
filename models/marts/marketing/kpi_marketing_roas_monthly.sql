-- Return on ad spend and marketing ROI per month, attribution model, ad platform and campaign
-- (metrics.md, Attribution): ROAS = attributed net sales / ad spend; marketing ROI =
-- (attributed CM2 - spend) / spend. Attributed money is booked in the conversion's month,
-- spend in its own day's month. Touches without a paid campaign are one `(none)` row per
-- model and month, conversions without a touch one `unattributed` row, so that every
-- model's rows add up to the month's net sales of converting orders.

with

attributions as (
    select
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as kpi_month,
        attribution_model,
        is_unattributed,
        campaign_id,
        attribution_weight,
        attributed_net_sales_amount_eur,
        attributed_cm2_amount_eur
    from {{ ref('fct_attribution') }}
),

campaigns as (
    select campaign_id, platform from {{ ref('stg_ads__campaigns') }}
),

daily_spend as (
    select
        cast({{ dbt.date_trunc('month', 'performance_date') }} as date) as kpi_month,
        campaign_id,
        spend_eur
    from {{ ref('stg_ads__daily_performance') }}
),

models as (
    select distinct attribution_model from attributions
),

attributed as (

    select
        attributions.kpi_month,
        attributions.attribution_model,
        case
            when attributions.is_unattributed then 'unattributed'
            when campaigns.campaign_id is null then '(none)'
            else campaigns.platform
        end as ad_platform,
        case
            when attributions.is_unattributed then 'unattributed'
            when campaigns.campaign_id is null then '(none)'
            else campaigns.campaign_id
        end as campaign_id,
        -- fixed-point sum: the same to the last bit whatever the order of fct_attribution's rows
        -- (an incremental run appends its restated rows, a full refresh writes them in its order)
        {{ order_independent_sum('attributions.attribution_weight') }} as attributed_conversions,
        sum(attributions.attributed_net_sales_amount_eur) as attributed_net_sales_amount_eur,
        sum(attributions.attributed_cm2_amount_eur) as attributed_cm2_amount_eur
    from attributions
    left join campaigns
        on attributions.campaign_id = campaigns.campaign_id
    group by 1, 2, 3, 4

),

spend as (

    select
        daily_spend.kpi_month,
        campaigns.platform as ad_platform,
        daily_spend.campaign_id,
        sum(daily_spend.spend_eur) as ad_spend_amount_eur
    from daily_spend
    inner join campaigns
        on daily_spend.campaign_id = campaigns.campaign_id
    group by 1, 2, 3

),

spend_per_model as (
    select spend.kpi_month, models.attribution_model, spend.ad_platform, spend.campaign_id, spend.ad_spend_amount_eur
    from spend
    cross join models
),

keys as (
    select kpi_month, attribution_model, ad_platform, campaign_id from attributed
    union
    select kpi_month, attribution_model, ad_platform, campaign_id from spend_per_model
),

combined as (

    select
        keys.kpi_month,
        keys.attribution_model,
        keys.ad_platform,
        keys.campaign_id,
        coalesce(attributed.attributed_conversions, 0) as attributed_conversions,
        coalesce(attributed.attributed_net_sales_amount_eur, 0) as attributed_net_sales_amount_eur,
        coalesce(attributed.attributed_cm2_amount_eur, 0) as attributed_cm2_amount_eur,
        coalesce(spend_per_model.ad_spend_amount_eur, 0) as ad_spend_amount_eur
    from keys
    left join attributed
        on
            keys.kpi_month = attributed.kpi_month
            and keys.attribution_model = attributed.attribution_model
            and keys.campaign_id = attributed.campaign_id
    left join spend_per_model
        on
            keys.kpi_month = spend_per_model.kpi_month
            and keys.attribution_model = spend_per_model.attribution_model
            and keys.campaign_id = spend_per_model.campaign_id

)

select
    cast(kpi_month as date) as kpi_month,
    cast(attribution_model as {{ dbt.type_string() }}) as attribution_model,
    cast(ad_platform as {{ dbt.type_string() }}) as ad_platform,
    cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
    cast(attributed_conversions as double) as attributed_conversions,
    cast(attributed_net_sales_amount_eur as decimal(18, 2)) as attributed_net_sales_amount_eur,
    cast(attributed_cm2_amount_eur as decimal(18, 2)) as attributed_cm2_amount_eur,
    cast(ad_spend_amount_eur as decimal(18, 2)) as ad_spend_amount_eur,
    cast(attributed_net_sales_amount_eur as decimal(18, 2)) as roas_numerator,
    cast(ad_spend_amount_eur as decimal(18, 2)) as roas_denominator,
    {{ ratio_or_null('attributed_net_sales_amount_eur', 'ad_spend_amount_eur') }} as roas,
    cast(attributed_cm2_amount_eur - ad_spend_amount_eur as decimal(18, 2)) as marketing_roi_numerator,
    cast(ad_spend_amount_eur as decimal(18, 2)) as marketing_roi_denominator,
    {{ ratio_or_null('attributed_cm2_amount_eur - ad_spend_amount_eur', 'ad_spend_amount_eur') }} as marketing_roi
from combined
