{#-
    The identity edges of one kind of record: every pair of the nodes a record carries
    (identifiers and references), so that the record links all of them and keeps
    linking the rest when one is blocked as junk; and a self-edge for an identifier
    with no partner that can never be blocked, so that it still reaches the graph when
    its partners are blocked, and for a node that is the record's only one, so that the
    record still has a row (int_source_records_stitched maps records through the nodes
    of their edges, blocked ones included: a reference whose only partner is blocked
    stays reachable through the edge to that partner).

    `nodes` is a list of [identifier_type, value_expression]; the types email, phone,
    loyalty and card can be blocked (int_identity_junk_identifiers_flagged), the others
    (ref, cookie, device, account, marketplace_buyer, crm_contact) never are. An entry
    [identifier_type, column, 'node'] names a column that already holds the node
    (identity_node worked out once in the relation, for high-volume tables: the branches
    below then reuse it instead of trimming and concatenating the value in each of them).
    `day_column`: the record's extract day for an event-grain table (int_identity_edges
    keeps their edges per day), else none (a null date); output as event_extract_date.
    `single_scan`: the branches as one scan of `relation` crossed with their indexes (the
    node pair and the condition of each branch picked by a `case`), instead of a `union all`
    of one select per branch. For a high-volume relation whose nodes are worked out in it:
    DuckDB pushes the `or` of the branches' conditions into the relation, where each node
    expression is worked out again in every condition (bench/notes.md, stop 18).
-#}
{% macro identity_record_edges(relation, source_system, source_table, record_id, nodes, day_column=none, single_scan=false) -%}
    {%- set blockable = ['email', 'phone', 'loyalty', 'card'] -%}
    {%- set branches = [] -%}
    {%- set pairs = [] -%}
    {%- set day_sql = day_column if day_column else 'cast(null as date)' -%}
    {%- set node_sql = [] -%}
    {%- for node in nodes -%}
        {%- do node_sql.append(node[1] if (node | length) > 2 and node[2] == 'node' else identity_node(node[0], node[1])) -%}
    {%- endfor -%}
    {%- for i in range(nodes | length) -%}
        {%- set node_i = node_sql[i] -%}
        {%- for j in range(i + 1, nodes | length) -%}
            {%- set node_j = node_sql[j] -%}
            {%- do branches.append(
                "select '" ~ source_system ~ "' as source_system, '" ~ source_table ~ "' as source_table, "
                ~ record_id ~ " as source_record_id, " ~ node_i ~ " as node_a, " ~ node_j ~ " as node_b, " ~ day_sql ~ " as event_extract_date from "
                ~ relation ~ " where " ~ node_i ~ " is not null and " ~ node_j ~ " is not null"
            ) -%}
            {%- do pairs.append([node_i, node_j, node_i ~ " is not null and " ~ node_j ~ " is not null"]) -%}
        {%- endfor -%}
        {%- set partners = [] -%}
        {%- for j in range(nodes | length) -%}
            {%- if j != i and (nodes[i][0] == 'ref' or nodes[j][0] not in blockable) -%}
                {%- do partners.append(node_sql[j] ~ " is null") -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do branches.append(
            "select '" ~ source_system ~ "' as source_system, '" ~ source_table ~ "' as source_table, "
            ~ record_id ~ " as source_record_id, " ~ node_i ~ " as node_a, " ~ node_i ~ " as node_b, " ~ day_sql ~ " as event_extract_date from "
            ~ relation ~ " where " ~ node_i ~ " is not null"
            ~ ((" and " ~ (partners | join(" and "))) if partners else "")
        ) -%}
        {%- do pairs.append([node_i, node_i, node_i ~ " is not null" ~ ((" and " ~ (partners | join(" and "))) if partners else "")]) -%}
    {%- endfor -%}
    {%- if single_scan %}
    select source_system, source_table, source_record_id, node_a, node_b, event_extract_date
    from (
        select
            '{{ source_system }}' as source_system,
            '{{ source_table }}' as source_table,
            {{ record_id }} as source_record_id,
            case edge_branches.branch_index
            {%- for pair in pairs %}
                when {{ loop.index0 }} then {{ pair[0] }}
            {%- endfor %}
            end as node_a,
            case edge_branches.branch_index
            {%- for pair in pairs %}
                when {{ loop.index0 }} then {{ pair[1] }}
            {%- endfor %}
            end as node_b,
            {{ day_sql }} as event_extract_date,
            case edge_branches.branch_index
            {%- for pair in pairs %}
                when {{ loop.index0 }} then {{ pair[2] }}
            {%- endfor %}
            end as is_edge
        from {{ relation }}
        cross join (
            {%- for pair in pairs %}
            select {{ loop.index0 }} as branch_index{{ ' union all' if not loop.last }}
            {%- endfor %}
        ) as edge_branches
    ) as branched
    where is_edge
    {%- else %}
    {{ branches | join("\n    union all\n    ") }}
    {%- endif %}
{%- endmacro %}
