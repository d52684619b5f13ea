{#-
    Iterated propagation of a state distribution over a transition matrix, unrolled into CTEs
    (portable: no recursive CTE). Expects, before the call, a CTE `<prefix>_0` (scenario, state,
    mass) - the start distribution - and a CTE `transitions_cte` (scenario, from_state,
    to_state, probability) in which absorbing states carry a self-transition of probability 1.
    Emits `<prefix>_1` ... `<prefix>_<steps>`, each the previous distribution times the matrix
    of its scenario: mass(s') = sum over s of mass(s) * P(s -> s'), summed as decimal(38, 18) so that
    the result does not depend on the order in which parallel threads add (a rebuild is identical). Call it inside a `with`,
    after the CTEs it reads; it ends with a trailing comma so that more CTEs can follow.
-#}
{% macro markov_propagation(transitions_cte, steps, prefix='markov_step') -%}
{%- for step in range(1, steps + 1) %}
{{ prefix }}_{{ step }} as {{ cte_materialized() }} (
    select
        distribution.scenario,
        transitions.to_state as state,
        -- summed as exact decimals: a double sum depends on the order parallel threads add in
        cast(sum(cast(distribution.mass * transitions.probability as decimal(38, 18))) as double) as mass
    from {{ prefix }}_{{ step - 1 }} as distribution
    inner join {{ transitions_cte }} as transitions
        on
            distribution.scenario = transitions.scenario
            and distribution.state = transitions.from_state
    group by distribution.scenario, transitions.to_state
),
{%- endfor %}
{%- endmacro %}

{#-
    The keyword that makes a CTE be computed once (`as materialized (...)`) where the engine
    has it. DuckDB otherwise inlines a long chain of CTEs and its planner slows down
    exponentially with the chain's length; Spark has no such keyword and plans the chain as is.
-#}
{% macro cte_materialized() -%}
    {{ return(adapter.dispatch('cte_materialized', 'omnichannel')()) }}
{%- endmacro %}

{% macro default__cte_materialized() -%}
{%- endmacro %}

{% macro duckdb__cte_materialized() -%}
    materialized
{%- endmacro %}
