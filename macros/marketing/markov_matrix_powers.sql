{#-
    Powers of transition matrices by repeated squaring (portable: no recursive CTE).
    `transitions_relation` has one matrix per scenario: (scenario, from_state, to_state,
    probability), absorbing states with a self-transition of probability 1. Emits, inside a
    `with` and with a trailing comma so that more CTEs can follow, the CTE
    `<prefix>_<squarings>`: P^(2^squarings) of every scenario, the matrix squared `squarings`
    times, P2(s, s'') = sum over s' of P(s, s') * P(s', s'') (order_independent_sum: a rebuild
    gives identical values). Entry (s, a) of P^n is the probability of being in `a` after n
    steps from s; for an absorbing `a` that is the probability of having been absorbed in `a`
    within n steps. `squarings` self-joins reach 2^squarings steps, where propagating a
    distribution step by step takes one join per step. The default spells every power as a CTE
    (`<prefix>_0` ... `<prefix>_<squarings>`, computed once each on DuckDB).
-#}
{% macro markov_matrix_powers(transitions_relation, squarings, prefix='transition_power') -%}
    {{ return(adapter.dispatch('markov_matrix_powers', 'omnichannel')(transitions_relation, squarings, prefix)) }}
{%- endmacro %}

{% macro default__markov_matrix_powers(transitions_relation, squarings, prefix='transition_power') -%}
{{ prefix }}_0 as {{ cte_materialized() }} (
    select scenario, from_state, to_state, probability
    from {{ transitions_relation }}
),
{%- for squaring in range(1, squarings + 1) %}
{{ prefix }}_{{ squaring }} as {{ cte_materialized() }} (
{{ markov_matrix_squared(prefix ~ '_' ~ (squaring - 1)) }}
),
{%- endfor %}
{%- endmacro %}

{#-
    Spark: the same squarings, each power written to a table (`<model>__power_<n>`, in the
    model's schema). Spark copies a CTE into every place that reads it, so the chain above,
    where every power reads the previous one twice, becomes a plan of 2^squarings copies of
    the matrix that runs out of memory before it runs. A table per power reads two small
    tables. The last power stays behind (the model reads it); the next run drops them first.
    A unit test's given rows are a CTE of the test's own query, which a separate statement
    cannot read: there the powers stay CTEs (a handful of rows plan quickly).
-#}
{% macro spark__markov_matrix_powers(transitions_relation, squarings, prefix='transition_power') -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return(omnichannel.default__markov_matrix_powers(transitions_relation, squarings, prefix)) }}
    {%- endif -%}
    {%- set table_prefix = this.schema ~ '.' ~ this.identifier ~ '__power_' -%}
    {%- for row in run_query("show tables in " ~ this.schema ~ " like '" ~ this.identifier ~ "__power_*'") -%}
        {%- do run_query('drop table if exists ' ~ this.schema ~ '.' ~ row[1]) -%}
    {%- endfor -%}
    {%- do run_query(
        'create table ' ~ table_prefix ~ '0 using parquet as'
        ~ ' select scenario, from_state, to_state, probability from ' ~ transitions_relation
    ) -%}
    {%- for squaring in range(1, squarings + 1) -%}
        {%- set previous = table_prefix ~ (squaring - 1) -%}
        {%- do run_query(
            'create table ' ~ table_prefix ~ squaring ~ ' using parquet as '
            ~ omnichannel.markov_matrix_squared(previous)
        ) -%}
        {%- do run_query('drop table ' ~ previous) -%}
    {%- endfor %}
{{ prefix }}_{{ squarings }} as (
    select scenario, from_state, to_state, probability
    from {{ table_prefix }}{{ squarings }}
),
{%- endmacro %}

{#- The square of every scenario's matrix in `matrix` (scenario, from_state, to_state, probability). -#}
{% macro markov_matrix_squared(matrix) -%}
    select
        first_half.scenario,
        first_half.from_state,
        second_half.to_state,
        {{ order_independent_sum('first_half.probability * second_half.probability') }} as probability
    from {{ matrix }} as first_half
    inner join {{ matrix }} as second_half
        on
            first_half.scenario = second_half.scenario
            and first_half.to_state = second_half.from_state
    group by first_half.scenario, first_half.from_state, second_half.to_state
{%- endmacro %}

{#-
    The keyword that makes a CTE be computed once (`as materialized (...)`) where the engine
    has it. DuckDB otherwise inlines a CTE read twice, and the plan of the matrix powers
    doubles with every squaring; Spark has no such keyword (see spark__markov_matrix_powers).
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
    sum() of a double whose result does not depend on the order rows are added in: the terms
    are summed as exact decimals (18 places) and the sum cast back to double. DuckDB adds in
    parallel, so two builds differed in the 9th decimal of the Markov propagation with a plain
    sum(); Spark's order depends on how rows arrive from a shuffle.
-#}
{% macro order_independent_sum(expression) -%}
    cast(sum(cast({{ expression }} as decimal(38, 18))) as double)
{%- endmacro %}
