-- Markov chain attribution (metrics.md, Attribution): the removal effect of every channel.
-- States: start, the channels, conversion and null (absorbing). Transition probabilities are
-- counted from the paths (int_attribution_paths_built): start -> first step, step -> next step,
-- last step -> conversion (converting path) or null. The probability of conversion is the mass
-- absorbed in `conversion` after propagating the start distribution over the matrix for
-- `markov_steps` steps (unrolled, see markov_propagation); removing a channel sends every
-- transition into it to null. Removal effect = 1 - P(conversion without it) / P(conversion);
-- a channel's share = its removal effect / the sum of all removal effects. unabsorbed_mass is
-- what the unrolled steps left in transient states (a test keeps it negligible).

{%- set steps = var('markov_steps', 100) %}

with

path_steps as (
    select path_id, is_converting, step_number, path_step_count, attribution_channel
    from {{ ref('int_attribution_paths_built') }}
),

edges as (

    select 'start' as from_state, attribution_channel as to_state
    from path_steps
    where step_number = 1

    union all

    select path_steps.attribution_channel as from_state, next_steps.attribution_channel as to_state
    from path_steps
    inner join path_steps as next_steps
        on
            path_steps.path_id = next_steps.path_id
            and path_steps.step_number + 1 = next_steps.step_number

    union all

    select
        attribution_channel as from_state,
        case when is_converting then 'conversion' else 'null' end as to_state
    from path_steps
    where step_number = path_step_count

),

edge_counts as (
    select from_state, to_state, count(*) as edge_count
    from edges
    group by from_state, to_state
),

transition_probabilities as (
    select
        from_state,
        to_state,
        cast(edge_count as double) / cast(sum(edge_count) over (partition by from_state) as double) as probability
    from edge_counts
),

channels as (
    select distinct attribution_channel from path_steps
),

scenarios as (
    select '(none)' as scenario
    union all
    select attribution_channel as scenario from channels
),

absorbing_states as (
    select 'conversion' as state
    union all
    select 'null' as state
),

scenario_transitions as (

    select
        scenarios.scenario,
        transition_probabilities.from_state,
        case
            when transition_probabilities.to_state = scenarios.scenario then 'null'
            else transition_probabilities.to_state
        end as to_state,
        transition_probabilities.probability
    from scenarios
    cross join transition_probabilities
    where transition_probabilities.from_state != scenarios.scenario

    union all

    select
        scenarios.scenario,
        absorbing_states.state as from_state,
        absorbing_states.state as to_state,
        cast(1.0 as double) as probability
    from scenarios
    cross join absorbing_states

),

markov_step_0 as (
    select scenario, 'start' as state, cast(1.0 as double) as mass
    from scenarios
),

{{ markov_propagation('scenario_transitions', steps) }}

outcomes as (

    select
        scenario,
        {{ order_independent_sum("case when state = 'conversion' then mass else 0 end") }} as conversion_probability,
        {{ order_independent_sum("case when state not in ('conversion', 'null') then mass else 0 end") }}
            as unabsorbed_mass
    from markov_step_{{ steps }}
    group by scenario

),

full_model as (
    select conversion_probability, unabsorbed_mass from outcomes where scenario = '(none)'
),

effects as (

    select
        channels.attribution_channel,
        full_model.conversion_probability,
        coalesce(removed.conversion_probability, 0) as conversion_probability_without_channel,
        case
            when full_model.conversion_probability > 0
                then 1 - coalesce(removed.conversion_probability, 0) / full_model.conversion_probability
            else 0
        end as removal_effect,
        greatest(full_model.unabsorbed_mass, coalesce(removed.unabsorbed_mass, 0)) as unabsorbed_mass
    from channels
    cross join full_model
    left join outcomes as removed
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
