-- Markov chain attribution (metrics.md, Attribution): the removal effect of every channel.
-- int_markov_scenario_transitions_built holds the transition matrix P of every scenario (the
-- full chain `(none)`, and the chain without each channel). The probability of conversion is
-- the probability of having been absorbed in `conversion` within 2^markov_squarings steps from
-- start: entry (start, conversion) of P^(2^markov_squarings), the matrix squared
-- markov_squarings times (see markov_matrix_powers; absorbing states keep their self-loop).
-- Removal effect = 1 - P(conversion without the channel) / P(conversion); a channel's share =
-- its removal effect / the sum of all removal effects. unabsorbed_mass is what
-- P^(2^markov_squarings) still leaves in transient states from start (a test keeps it
-- negligible).

{%- set squarings = var('markov_squarings', 7) %}

with

{{ markov_matrix_powers(ref('int_markov_scenario_transitions_built'), squarings) }}

outcomes as (

    select
        scenario,
        {{ order_independent_sum("case when to_state = 'conversion' then probability else 0 end") }}
            as conversion_probability,
        {{ order_independent_sum("case when to_state not in ('conversion', 'null') then probability else 0 end") }}
            as unabsorbed_mass
    from transition_power_{{ squarings }}
    where from_state = 'start'
    group by scenario

),

channels as (
    select scenario as attribution_channel from outcomes where scenario != '(none)'
),

full_model as (
    select conversion_probability, unabsorbed_mass from outcomes where scenario = '(none)'
),

effects as (

    select
        channels.attribution_channel,
        full_model.conversion_probability,
        removed.conversion_probability as conversion_probability_without_channel,
        case
            when full_model.conversion_probability > 0
                then 1 - removed.conversion_probability / full_model.conversion_probability
            else 0
        end as removal_effect,
        greatest(full_model.unabsorbed_mass, removed.unabsorbed_mass) as unabsorbed_mass
    from channels
    cross join full_model
    inner join outcomes as removed
        on channels.attribution_channel = removed.scenario

)

select
    attribution_channel,
    cast(conversion_probability as double) as conversion_probability,
    cast(conversion_probability_without_channel as double) as conversion_probability_without_channel,
    cast(removal_effect as double) as removal_effect,
    cast(
        case
            when sum(removal_effect) over () > 0 then removal_effect / sum(removal_effect) over ()
        end as double
    ) as removal_effect_share,
    cast(unabsorbed_mass as double) as unabsorbed_mass
from effects
