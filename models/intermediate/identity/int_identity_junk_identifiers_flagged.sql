-- Identifiers that must never join two people: placeholder values listed in the
-- junk_identifiers seed (matched after the same normalisation and hashing as
-- staging), and identifiers shared by more distinct accounts, loyalty cards,
-- CRM contacts or marketplace buyers than var('identity_max_anchors_per_identifier').
-- var('identity_block_listed_junk') false (and a huge anchor limit) turns the blocking off,
-- to measure what it costs.

with

edges as (
    select node_a, node_b from {{ ref('int_identity_edges') }}
),

junk_seed as (
    select identifier_type, identifier_value, reason from {{ ref('junk_identifiers') }}
),

listed as (

    select
        case identifier_type
            when 'email' then {{ identity_node('email', hash_pii(normalize_email('identifier_value'))) }}
            when 'phone' then {{ identity_node('phone', hash_pii(normalize_phone('identifier_value'))) }}
            when 'loyalty_card' then {{ identity_node('loyalty', "upper(trim(identifier_value))") }}
        end as node_id,
        min(reason) as reason
    from junk_seed
    group by 1

),

directed as (
    select
        node_a as node_id,
        node_b as neighbour_id,
        {{ dbt.split_part('node_a', "':'", 1) }} as node_type,
        {{ dbt.split_part('node_b', "':'", 1) }} as neighbour_type
    from edges
    where node_a != node_b
    union all
    select
        node_b as node_id,
        node_a as neighbour_id,
        {{ dbt.split_part('node_b', "':'", 1) }} as node_type,
        {{ dbt.split_part('node_a', "':'", 1) }} as neighbour_type
    from edges
    where node_a != node_b
),

anchors_per_type as (

    -- one person legitimately links an account, a loyalty card and a CRM contact
    -- with one email: what is suspicious is many anchors of the SAME type
    select
        node_id,
        neighbour_type,
        count(distinct neighbour_id) as anchor_count
    from directed
    where
        node_type in ('email', 'phone', 'loyalty', 'card')
        and neighbour_type in ('account', 'loyalty', 'crm_contact', 'marketplace_buyer')
    group by node_id, neighbour_type

),

anchors_per_identifier as (

    select
        node_id,
        max(anchor_count) as anchor_count
    from anchors_per_type
    group by node_id

),

flagged as (

    select node_id, reason as block_reason, cast(null as bigint) as anchor_count
    from listed
    where
        node_id is not null
        and {{ var('identity_block_listed_junk') }}

    union all

    select
        anchors_per_identifier.node_id,
        'shared by ' || cast(anchors_per_identifier.anchor_count as {{ dbt.type_string() }}) || ' accounts, cards, contacts or buyers of one kind' as block_reason,
        anchors_per_identifier.anchor_count
    from anchors_per_identifier
    where anchors_per_identifier.anchor_count > {{ var('identity_max_anchors_per_identifier') }}

),

ranked as (

    select
        node_id,
        block_reason,
        anchor_count,
        row_number() over (partition by node_id order by anchor_count asc nulls first, block_reason asc) as rule_rank
    from flagged

)

select
    node_id,
    {{ dbt.split_part('node_id', "':'", 1) }} as identifier_type,
    block_reason,
    anchor_count
from ranked
where rule_rank = 1
