-- Attribution of every conversion (non-cancelled order) to its marketing touches in the 30-day
-- lookback, under six models (metrics.md, Attribution), one row per conversion x touch x model:
--   first_touch      all credit to the first touch;
--   last_non_direct  all credit to the last touch (direct sessions are never touches);
--   linear           1/n to each of the n touches;
--   time_decay       weight 2^(-days before the conversion / 7) (7-day half-life), normalised;
--   position_based   40% first, 40% last, 20% shared by the middle touches (one touch 100%,
--                    two touches 50/50);
--   markov           each channel of the path gets its Markov removal effect / the sum of the
--                    removal effects of the path's channels, shared equally by its touches
--                    (linear if those effects are all zero).
-- A conversion without a touch has one `unattributed` row per model. Money is split in cents by
-- largest remainder, so that for every model a conversion's attributed net sales and CM2 add up
-- to its own to the cent.
-- Incremental (DuckDB): a conversion's rows depend on its own touches, but for `markov`, whose
-- removal effects are worked out over every path (they move with every new day). A run compares
-- every conversion's touches (and their campaign's platform, order, date, net sales and CM2)
-- with its stored `first_touch` rows (one per touch, or the `unattributed` row): a conversion
-- that is new, gone or different is changed, and its rows of every model are restated (its
-- stored rows removed, strategy replace_or_remove); the `markov` rows of every conversion are
-- restated on every run. The rows thus equal a full refresh's. A tombstone is a row whose
-- attribution_model is null (the contract forbids a column more). Spark rebuilds it in full.
{{ config(**replace_or_remove_config('attribution_key', kept='attribution_model is not null')) }}

{%- set half_life_days = 7 %}
{%- set models = ['first_touch', 'last_non_direct', 'linear', 'time_decay', 'position_based', 'markov'] %}

with

conversion_touches as (
    select
        order_key,
        order_channel,
        order_date,
        net_sales_amount_eur,
        cm2_amount_eur,
        touchpoint_key,
        touchpoint_type,
        attribution_channel,
        campaign_id,
        touched_at,
        seconds_before_conversion,
        touch_position,
        path_length
    from {{ ref('int_conversion_touches_windowed') }}
),

removal_effects as (
    select attribution_channel, removal_effect
    from {{ ref('int_markov_removal_effects_computed') }}
),

campaigns as (
    select campaign_id, platform from {{ ref('stg_ads__campaigns') }}
),

attribution_models as (
    {%- for model in models %}
    select '{{ model }}' as attribution_model
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

{% if is_incremental() %}

-- what the stored first_touch rows say of every conversion's touches, worked out again from the
-- current touches with the casts of the final select
current_touches as (

    select
        conversion_touches.order_key,
        cast(coalesce(conversion_touches.touchpoint_key, 'unattributed') as {{ dbt.type_string() }}) as touch_id,
        cast(conversion_touches.order_channel as {{ dbt.type_string() }}) as order_channel,
        cast(conversion_touches.order_date as date) as order_date,
        cast(conversion_touches.touchpoint_type as {{ dbt.type_string() }}) as touchpoint_type,
        cast(conversion_touches.attribution_channel as {{ dbt.type_string() }}) as attribution_channel,
        cast(conversion_touches.campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(campaigns.platform as {{ dbt.type_string() }}) as ad_platform,
        conversion_touches.touched_at,
        cast(conversion_touches.touch_position as integer) as touch_position,
        cast(conversion_touches.path_length as integer) as path_length,
        cast(conversion_touches.seconds_before_conversion / cast(86400 as double) as double) as days_before_conversion,
        cast(conversion_touches.net_sales_amount_eur as decimal(18, 2)) as conversion_net_sales_amount_eur,
        cast(round(conversion_touches.net_sales_amount_eur * 100) as bigint) as net_sales_cents,
        cast(round(conversion_touches.cm2_amount_eur * 100) as bigint) as cm2_cents
    from conversion_touches
    left join campaigns
        on conversion_touches.campaign_id = campaigns.campaign_id

),

stored_touches as (

    select
        order_key,
        coalesce(touchpoint_key, 'unattributed') as touch_id,
        order_channel,
        order_date,
        touchpoint_type,
        attribution_channel,
        campaign_id,
        ad_platform,
        touched_at,
        touch_position,
        path_length,
        days_before_conversion,
        conversion_net_sales_amount_eur
    from {{ this }}
    where attribution_model = 'first_touch'

),

-- first_touch gives a conversion's whole net sales and CM2 (in cents) to its first touch
stored_totals as (

    select
        order_key,
        sum(cast(round(attributed_net_sales_amount_eur * 100) as bigint)) as net_sales_cents,
        sum(cast(round(attributed_cm2_amount_eur * 100) as bigint)) as cm2_cents
    from {{ this }}
    where attribution_model = 'first_touch'
    group by order_key

),

current_totals as (
    select order_key, max(net_sales_cents) as net_sales_cents, max(cm2_cents) as cm2_cents
    from current_touches
    group by order_key
),

changed_orders as {{ cte_materialized() }} (

    select coalesce(current_touches.order_key, stored_touches.order_key) as order_key
    from current_touches
    full outer join stored_touches
        on
            current_touches.order_key = stored_touches.order_key
            and current_touches.touch_id = stored_touches.touch_id
    where
        current_touches.order_key is null
        or stored_touches.order_key is null
        or current_touches.order_channel is distinct from (stored_touches.order_channel)
        or current_touches.order_date is distinct from (stored_touches.order_date)
        or current_touches.touchpoint_type is distinct from (stored_touches.touchpoint_type)
        or current_touches.attribution_channel is distinct from (stored_touches.attribution_channel)
        or current_touches.campaign_id is distinct from (stored_touches.campaign_id)
        or current_touches.ad_platform is distinct from (stored_touches.ad_platform)
        or current_touches.touched_at is distinct from (stored_touches.touched_at)
        or current_touches.touch_position is distinct from (stored_touches.touch_position)
        or current_touches.path_length is distinct from (stored_touches.path_length)
        or current_touches.days_before_conversion is distinct from (stored_touches.days_before_conversion)
        or current_touches.conversion_net_sales_amount_eur is distinct from (stored_touches.conversion_net_sales_amount_eur)

    union

    select current_totals.order_key
    from current_totals
    inner join stored_totals
        on current_totals.order_key = stored_totals.order_key
    where
        current_totals.net_sales_cents is distinct from (stored_totals.net_sales_cents)
        or current_totals.cm2_cents is distinct from (stored_totals.cm2_cents)

),

{% endif %}

-- per conversion and channel: how many of its touches are of the channel, and its effect
path_channels as (

    select
        conversion_touches.order_key,
        conversion_touches.attribution_channel,
        count(*) as channel_touch_count,
        max(coalesce(removal_effects.removal_effect, 0)) as removal_effect
    from conversion_touches
    left join removal_effects
        on conversion_touches.attribution_channel = removal_effects.attribution_channel
    where conversion_touches.touchpoint_key is not null
    group by conversion_touches.order_key, conversion_touches.attribution_channel

),

path_effects as (
    select order_key, sum(removal_effect) as path_removal_effect
    from path_channels
    group by order_key
),

raw_weights as (

    select
        conversion_touches.*,
        path_channels.channel_touch_count,
        path_channels.removal_effect,
        path_effects.path_removal_effect,
        power(0.5, cast(conversion_touches.seconds_before_conversion as double) / ({{ half_life_days }} * 86400.0))
            as decay_factor
    from conversion_touches
    left join path_channels
        on
            conversion_touches.order_key = path_channels.order_key
            and conversion_touches.attribution_channel = path_channels.attribution_channel
    left join path_effects
        on conversion_touches.order_key = path_effects.order_key

),

with_decay_total as (
    select
        raw_weights.*,
        sum(decay_factor) over (partition by order_key) as decay_total
    from raw_weights
),

weighted as (

    select
        with_decay_total.order_key,
        with_decay_total.order_channel,
        with_decay_total.order_date,
        with_decay_total.net_sales_amount_eur,
        with_decay_total.cm2_amount_eur,
        with_decay_total.touchpoint_key,
        with_decay_total.touchpoint_type,
        with_decay_total.attribution_channel,
        with_decay_total.campaign_id,
        with_decay_total.touched_at,
        with_decay_total.seconds_before_conversion,
        with_decay_total.touch_position,
        with_decay_total.path_length,
        attribution_models.attribution_model,
        case
            when with_decay_total.touchpoint_key is null then 1.0
            when attribution_models.attribution_model = 'first_touch'
                then case when with_decay_total.touch_position = 1 then 1.0 else 0.0 end
            when attribution_models.attribution_model = 'last_non_direct'
                then case when with_decay_total.touch_position = with_decay_total.path_length then 1.0 else 0.0 end
            when attribution_models.attribution_model = 'linear'
                then cast(1.0 as double) / cast(with_decay_total.path_length as double)
            when attribution_models.attribution_model = 'time_decay'
                then with_decay_total.decay_factor / with_decay_total.decay_total
            when attribution_models.attribution_model = 'position_based'
                then case
                    when with_decay_total.path_length = 1 then 1.0
                    when with_decay_total.path_length = 2 then 0.5
                    when with_decay_total.touch_position = 1 then 0.4
                    when with_decay_total.touch_position = with_decay_total.path_length then 0.4
                    else cast(0.2 as double) / cast(with_decay_total.path_length - 2 as double)
                end
            when attribution_models.attribution_model = 'markov'
                then case
                    when with_decay_total.path_removal_effect > 0
                        then
                            with_decay_total.removal_effect / with_decay_total.path_removal_effect
                            / with_decay_total.channel_touch_count
                    else cast(1.0 as double) / cast(with_decay_total.path_length as double)
                end
        end as attribution_weight
    from with_decay_total
    cross join attribution_models
    {%- if is_incremental() %}
    where
        attribution_models.attribution_model = 'markov'
        or with_decay_total.order_key in (select changed_orders.order_key from changed_orders)
    {%- endif %}

),

-- largest remainder: floor every share to the cent, then give the cents left over, one each,
-- to the shares with the largest remainders (ties to the earlier touch)
cents as (

    select
        weighted.*,
        cast(round(net_sales_amount_eur * 100) as bigint) as net_sales_cents,
        cast(round(cm2_amount_eur * 100) as bigint) as cm2_cents,
        cast(round(net_sales_amount_eur * 100) as double) * attribution_weight as net_sales_exact_cents,
        cast(round(cm2_amount_eur * 100) as double) * attribution_weight as cm2_exact_cents
    from weighted

),

floored as (

    select
        cents.*,
        cast(floor(net_sales_exact_cents + 1e-9) as bigint) as net_sales_floor_cents,
        cast(floor(cm2_exact_cents + 1e-9) as bigint) as cm2_floor_cents
    from cents

),

ranked as (

    select
        floored.*,
        net_sales_cents - sum(net_sales_floor_cents) over (partition by order_key, attribution_model)
            as net_sales_leftover_cents,
        cm2_cents - sum(cm2_floor_cents) over (partition by order_key, attribution_model)
            as cm2_leftover_cents,
        row_number() over (
            partition by order_key, attribution_model
            order by net_sales_exact_cents - net_sales_floor_cents desc nulls last, touch_position asc nulls last
        ) as net_sales_remainder_rank,
        row_number() over (
            partition by order_key, attribution_model
            order by cm2_exact_cents - cm2_floor_cents desc nulls last, touch_position asc nulls last
        ) as cm2_remainder_rank
    from floored

)

select
    cast(
        {{ dbt.concat(["ranked.order_key", "'|'", "ranked.attribution_model", "'|'", "coalesce(ranked.touchpoint_key, 'unattributed')"]) }}
        as {{ dbt.type_string() }}
    ) as attribution_key,
    cast(ranked.order_key as {{ dbt.type_string() }}) as order_key,
    cast(ranked.order_channel as {{ dbt.type_string() }}) as order_channel,
    cast(ranked.order_date as date) as order_date,
    cast(ranked.attribution_model as {{ dbt.type_string() }}) as attribution_model,
    cast(ranked.touchpoint_key as {{ dbt.type_string() }}) as touchpoint_key,
    cast(ranked.touchpoint_type as {{ dbt.type_string() }}) as touchpoint_type,
    cast(ranked.attribution_channel as {{ dbt.type_string() }}) as attribution_channel,
    cast(ranked.campaign_id as {{ dbt.type_string() }}) as campaign_id,
    cast(campaigns.platform as {{ dbt.type_string() }}) as ad_platform,
    ranked.touched_at,
    cast(ranked.touch_position as integer) as touch_position,
    cast(ranked.path_length as integer) as path_length,
    cast(ranked.seconds_before_conversion / cast(86400 as double) as double) as days_before_conversion,
    ranked.touchpoint_key is null as is_unattributed,
    cast(ranked.attribution_weight as double) as attribution_weight,
    cast(ranked.net_sales_amount_eur as decimal(18, 2)) as conversion_net_sales_amount_eur,
    cast(
        (
            ranked.net_sales_floor_cents
            + case when ranked.net_sales_remainder_rank <= ranked.net_sales_leftover_cents then 1 else 0 end
        )
        / 100.0 as decimal(18, 2)
    ) as attributed_net_sales_amount_eur,
    cast(
        (
            ranked.cm2_floor_cents
            + case when ranked.cm2_remainder_rank <= ranked.cm2_leftover_cents then 1 else 0 end
        )
        / 100.0 as decimal(18, 2)
    ) as attributed_cm2_amount_eur
from ranked
left join campaigns
    on ranked.campaign_id = campaigns.campaign_id
{%- if is_incremental() %}

union all

-- every stored row of a changed conversion is removed, unless restated above
select
    stored.attribution_key,
    cast(null as {{ dbt.type_string() }}) as order_key,
    cast(null as {{ dbt.type_string() }}) as order_channel,
    cast(null as date) as order_date,
    cast(null as {{ dbt.type_string() }}) as attribution_model,
    cast(null as {{ dbt.type_string() }}) as touchpoint_key,
    cast(null as {{ dbt.type_string() }}) as touchpoint_type,
    cast(null as {{ dbt.type_string() }}) as attribution_channel,
    cast(null as {{ dbt.type_string() }}) as campaign_id,
    cast(null as {{ dbt.type_string() }}) as ad_platform,
    cast(null as {{ dbt.type_timestamp() }}) as touched_at,
    cast(null as integer) as touch_position,
    cast(null as integer) as path_length,
    cast(null as double) as days_before_conversion,
    cast(null as boolean) as is_unattributed,
    cast(null as double) as attribution_weight,
    cast(null as decimal(18, 2)) as conversion_net_sales_amount_eur,
    cast(null as decimal(18, 2)) as attributed_net_sales_amount_eur,
    cast(null as decimal(18, 2)) as attributed_cm2_amount_eur
from {{ this }} as stored
inner join changed_orders
    on stored.order_key = changed_orders.order_key
{%- endif %}
