-- The transition matrices of the Markov chain attribution (metrics.md, Attribution), one per
-- scenario: `(none)` (the full chain) and one per channel (the chain with that channel
-- removed). States: start, the channels, conversion and null (absorbing). Transition
-- probabilities are counted from the paths (int_attribution_paths_built): start -> first step,
-- step -> next step, last step -> conversion (converting path) or null. Removing a channel
-- sends every transition into it to null (merged with an existing transition to null) and
-- drops its own transitions. Absorbing states carry a self-loop of probability 1, so that the
-- matrix powers of int_markov_removal_effects_computed keep the absorbed mass.

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

redirected_transitions as (

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

),

scenario_transitions as (

    select
        scenario,
        from_state,
        to_state,
        {{ order_independent_sum('probability') }} as probability
    from redirected_transitions
    group by scenario, from_state, to_state

    union all

    select
        scenarios.scenario,
        absorbing_states.state as from_state,
        absorbing_states.state as to_state,
        cast(1.0 as double) as probability
    from scenarios
    cross join absorbing_states

)

select
    {{ dbt.concat(['scenario', "'|'", 'from_state', "'|'", 'to_state']) }} as scenario_transition_key,
    scenario,
    from_state,
    to_state,
    cast(probability as double) as probability
from scenario_transitions
