{#
    Connected components of an undirected graph, in portable SQL.

    `edges_relation` has two text columns `node_a`, `node_b` (an edge per row;
    self-loops allowed, so that an isolated node is still a node). Returns a
    query with one row per node: `node_id`, `component_id` (the smallest node
    id of its component), and `component_id_after_extra_round`, the label one
    more round would give: a data test asserts the two are equal, which proves
    that `rounds` was enough on this data.

    Algorithm: min-label propagation with pointer jumping, unrolled `rounds`
    times (no recursive CTE: Spark 3.5 has none). Round 0 labels every node
    with the smallest id among itself and its neighbours. Each further round
      1. contracts the graph: an edge now joins the current labels of its two
         ends (propagation between whole groups, not single nodes), and
      2. moves every node straight to the smallest label next to its group's
         label (pointer jumping), so that groups merge along whole paths and
         the rounds needed grow with the log of the component diameter.
#}
{% macro connected_components(edges_relation, rounds=6, jumps=10) %}
    {{ return(adapter.dispatch('connected_components', 'omnichannel')(edges_relation, rounds, jumps)) }}
{% endmacro %}

{% macro default__connected_components(edges_relation, rounds=6, jumps=10) %}
with

node_ids as (

    select node_a as node_id from {{ edges_relation }}
    union
    select node_b as node_id from {{ edges_relation }}

),

node_codes as (

    -- every node as an integer in the order of its id: the rounds below join and compare
    -- integers instead of text ids, and the smallest code is the smallest id, so the labels
    -- are the same (decoded in `final`)
    select
        node_id,
        row_number() over (order by node_id asc nulls last) as node_code
    from node_ids

),

coded_edges as (

    select
        code_a.node_code as node_a,
        code_b.node_code as node_b
    from {{ edges_relation }} as relation_edges
    inner join node_codes as code_a
        on relation_edges.node_a = code_a.node_id
    inner join node_codes as code_b
        on relation_edges.node_b = code_b.node_id

),

edges as (

    select node_a as from_node, node_b as to_node from coded_edges
    union all
    select node_b as from_node, node_a as to_node from coded_edges

),

nodes as (

    select distinct from_node as node_id from edges

),

neighbours as (

    select from_node, to_node from edges
    union all
    select node_id as from_node, node_id as to_node from nodes

),

labels_0 as (

    select
        from_node as node_id,
        min(to_node) as component_id
    from neighbours
    group by from_node

),

{% for round_number in range(1, rounds + 2) %}
{%- set previous = 'labels_' ~ (round_number - 1) %}
contracted_{{ round_number }} as (

    -- the graph between current labels: an edge joins the labels of its ends
    select
        from_label.component_id as from_label,
        min(to_label.component_id) as min_neighbour_label
    from edges
    inner join {{ previous }} as from_label
        on edges.from_node = from_label.node_id
    inner join {{ previous }} as to_label
        on edges.to_node = to_label.node_id
    group by from_label.component_id

),

hooked_{{ round_number }} as (

    -- every label hooks to the smallest label next to it (or stays)
    select
        from_label,
        case
            when min_neighbour_label < from_label then min_neighbour_label
            else from_label
        end as hooked_label
    from contracted_{{ round_number }}

),

jumped_{{ round_number }}_0 as (

    select from_label, hooked_label from hooked_{{ round_number }}

),

{% for jump_number in range(1, jumps + 1) %}
jumped_{{ round_number }}_{{ jump_number }} as (

    -- pointer jumping: every label moves to where its target points
    select
        here.from_label,
        coalesce(there.hooked_label, here.hooked_label) as hooked_label
    from jumped_{{ round_number }}_{{ jump_number - 1 }} as here
    left join jumped_{{ round_number }}_{{ jump_number - 1 }} as there
        on here.hooked_label = there.from_label

),

{% endfor %}
labels_{{ round_number }} as (

    select
        {{ previous }}.node_id,
        coalesce(jumped.hooked_label, {{ previous }}.component_id) as component_id
    from {{ previous }}
    left join jumped_{{ round_number }}_{{ jumps }} as jumped
        on {{ previous }}.component_id = jumped.from_label

),

{% endfor %}
final as (

    -- the codes decoded into node ids
    select
        node.node_id,
        component.node_id as component_id,
        component_after_extra_round.node_id as component_id_after_extra_round
    from labels_{{ rounds }}
    inner join labels_{{ rounds + 1 }}
        on labels_{{ rounds }}.node_id = labels_{{ rounds + 1 }}.node_id
    inner join node_codes as node
        on labels_{{ rounds }}.node_id = node.node_code
    inner join node_codes as component
        on labels_{{ rounds }}.component_id = component.node_code
    inner join node_codes as component_after_extra_round
        on labels_{{ rounds + 1 }}.component_id = component_after_extra_round.node_code

)

select * from final
{% endmacro %}


{#
    Spark: the same rounds and jumps, each step written to a table.

    Spark plans a CTE that is read twice by copying it, so the unrolled chain
    above (every round and jump reads the previous step twice) grows to a
    plan of 2^jumps copies per round that never finishes planning. Here every
    step is a table (`<model>__cc_<step>`, in the model's schema), so a step
    reads two small tables. The steps are the same as above, and a step that
    changes nothing ends the jumping (or the rounds) early: a fixed point
    stays fixed, so the result, `component_id_after_extra_round` included, is
    the one the unrolled query gives. The last labels tables stay behind
    (the model reads them); the next run drops them first.
#}
{% macro spark__connected_components(edges_relation, rounds=6, jumps=10) %}
    {%- if not execute -%}
        {{ return(omnichannel.default__connected_components(edges_relation, rounds, jumps)) }}
    {%- endif -%}
    {%- set prefix = this.schema ~ '.' ~ this.identifier ~ '__cc_' -%}
    {%- for row in run_query("show tables in " ~ this.schema ~ " like '" ~ this.identifier ~ "__cc_*'") -%}
        {%- do run_query('drop table if exists ' ~ this.schema ~ '.' ~ row[1]) -%}
    {%- endfor -%}
    {%- do run_query(
        'create table ' ~ prefix ~ 'edges using parquet as'
        ~ ' select node_a as from_node, node_b as to_node from ' ~ edges_relation
        ~ ' union all select node_b as from_node, node_a as to_node from ' ~ edges_relation
    ) -%}
    {%- do run_query(
        'create table ' ~ prefix ~ 'labels_0 using parquet as'
        ~ ' select from_node as node_id, min(to_node) as component_id from ('
        ~ ' select from_node, to_node from ' ~ prefix ~ 'edges'
        ~ ' union all select from_node, from_node as to_node from ' ~ prefix ~ 'edges'
        ~ ') as neighbours group by from_node'
    ) -%}
    {%- set state = namespace(labels=prefix ~ 'labels_0', previous_labels=none, converged=false) -%}
    {%- for round_number in range(1, rounds + 2) if not state.converged -%}
        {%- set jumped = prefix ~ 'jumped_' ~ round_number ~ '_' -%}
        {%- do run_query(
            'create table ' ~ jumped ~ '0 using parquet as'
            ~ ' select from_label.component_id as from_label, case'
            ~ ' when min(to_label.component_id) < from_label.component_id then min(to_label.component_id)'
            ~ ' else from_label.component_id end as hooked_label'
            ~ ' from ' ~ prefix ~ 'edges as edges'
            ~ ' inner join ' ~ state.labels ~ ' as from_label on edges.from_node = from_label.node_id'
            ~ ' inner join ' ~ state.labels ~ ' as to_label on edges.to_node = to_label.node_id'
            ~ ' group by from_label.component_id'
        ) -%}
        {%- set jumping = namespace(last=jumped ~ '0', done=false) -%}
        {%- for jump_number in range(1, jumps + 1) if not jumping.done -%}
            {%- set next = jumped ~ jump_number -%}
            {%- do run_query(
                'create table ' ~ next ~ ' using parquet as'
                ~ ' select here.from_label, coalesce(there.hooked_label, here.hooked_label) as hooked_label'
                ~ ' from ' ~ jumping.last ~ ' as here left join ' ~ jumping.last ~ ' as there'
                ~ ' on here.hooked_label = there.from_label'
            ) -%}
            {%- set changed = run_query(
                'select count(*) from ' ~ next ~ ' as after_jump inner join ' ~ jumping.last ~ ' as before_jump'
                ~ ' on after_jump.from_label = before_jump.from_label'
                ~ ' where after_jump.hooked_label <> before_jump.hooked_label'
            ).columns[0].values()[0] -%}
            {%- do run_query('drop table ' ~ jumping.last) -%}
            {%- set jumping.last = next -%}
            {%- set jumping.done = (changed == 0) -%}
        {%- endfor -%}
        {%- set labels = prefix ~ 'labels_' ~ round_number -%}
        {%- do run_query(
            'create table ' ~ labels ~ ' using parquet as'
            ~ ' select previous.node_id, coalesce(jumped.hooked_label, previous.component_id) as component_id'
            ~ ' from ' ~ state.labels ~ ' as previous left join ' ~ jumping.last ~ ' as jumped'
            ~ ' on previous.component_id = jumped.from_label'
        ) -%}
        {%- do run_query('drop table ' ~ jumping.last) -%}
        {%- set changed = run_query(
            'select count(*) from ' ~ labels ~ ' as after_round inner join ' ~ state.labels ~ ' as before_round'
            ~ ' on after_round.node_id = before_round.node_id'
            ~ ' where after_round.component_id <> before_round.component_id'
        ).columns[0].values()[0] -%}
        {%- if state.previous_labels -%}
            {%- do run_query('drop table ' ~ state.previous_labels) -%}
        {%- endif -%}
        {%- set state.previous_labels = state.labels -%}
        {%- set state.labels = labels -%}
        {%- set state.converged = (changed == 0) -%}
    {%- endfor -%}
    {#- converged: the last two labels agree (the final round is the "extra" one); else rounds + 1 were run -#}
    select
        final_round.node_id,
        final_round.component_id,
        extra_round.component_id as component_id_after_extra_round
    from {{ state.previous_labels if not state.converged else state.labels }} as final_round
    inner join {{ state.labels }} as extra_round
        on final_round.node_id = extra_round.node_id
{% endmacro %}
