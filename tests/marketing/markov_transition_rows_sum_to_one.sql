-- Every row of every scenario's Markov transition matrix is a probability distribution: the
-- transitions out of a state add up to 1 (removing a channel redirects its incoming
-- transitions to null, it does not lose them). Returns the offending (scenario, state) rows.

select
    scenario,
    from_state,
    sum(probability) as probability_total
from {{ ref('int_markov_scenario_transitions_built') }}
group by scenario, from_state
having abs(sum(probability) - 1) > 1e-9
