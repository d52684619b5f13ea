{#-
    Iterated propagation of a state distribution over a transition matrix, unrolled into CTEs
    (portable: no recursive CTE). Expects, before the call, a CTE `<prefix>_0` (scenario, state,
    mass) - the start distribution - and a CTE `transitions_cte` (scenario, from_state,
    to_state, probability) in which absorbing states carry a self-transition of probability 1.
    Emits `<prefix>_1` ... `<prefix>_<steps>`, each the previous distribution times the matrix
    of its scenario: mass(s') = sum over s of mass(s) * P(s -> s'), summed with
    order_independent_sum so that a rebuild gives identical values. Call it inside a `with`,
    after the CTEs it reads; it ends with a trailing comma so that more CTEs can follow.
-#}
{% macro markov_propagation(transitions_cte, steps, prefix='markov_step') -%}
{%- for step in range(1, steps + 1) %}
{{ prefix }}_{{ step }} as {{ cte_materialized() }} (
    select
        distribution.scenario,
        transitions.to_state as state,
        {{ order_independent_sum('distribution.mass * transitions.probability') }} as mass
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

{#-
    sum() of a double whose result does not depend on the order rows are added in. DuckDB adds
    in parallel, so two builds differed in the 9th decimal of the Markov propagation: there the
    terms are summed as exact decimals. Spark's local session adds in a fixed order, and its
    analyzer plans the 100 unrolled Markov steps far slower with the casts, so it keeps sum().
-#}
{% macro order_independent_sum(expression) -%}
    {{ return(adapter.dispatch('order_independent_sum', 'omnichannel')(expression)) }}
{%- endmacro %}

{% macro default__order_independent_sum(expression) -%}
    sum({{ expression }})
{%- endmacro %}

{% macro duckdb__order_independent_sum(expression) -%}
    cast(sum(cast({{ expression }} as decimal(38, 18))) as double)
{%- endmacro %}
