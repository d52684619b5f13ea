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
with

edges as (

    select node_a as from_node, node_b as to_node from {{ edges_relation }}
    union all
    select node_b as from_node, node_a as to_node from {{ edges_relation }}

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

    select
        labels_{{ rounds }}.node_id,
        labels_{{ rounds }}.component_id,
        labels_{{ rounds + 1 }}.component_id as component_id_after_extra_round
    from labels_{{ rounds }}
    inner join labels_{{ rounds + 1 }}
        on labels_{{ rounds }}.node_id = labels_{{ rounds + 1 }}.node_id

)

select * from final
{% endmacro %}
