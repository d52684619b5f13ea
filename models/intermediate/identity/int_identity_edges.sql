-- Every pair of nodes seen together in one record, with the record it came from (macro
-- identity_record_edges: all pairs of a record's nodes, and a self-edge for an identifier
-- whose partners could all be blocked as junk).
-- A node is an identifier (cookie, app device, shop account, email hash, phone hash, loyalty
-- card, card fingerprint hash, marketplace buyer, CRM contact) or a reference `ref:<id>`: the
-- id of a record that other records name. A record carries its own id as a reference when
-- others can name it, and the ids it names: a purchase event names its order (guest
-- checkouts included), an email or SMS click lands with the message id the email service
-- provider appends to every tracked link (msg_id), a loyalty points entry names the order it
-- credits (marketplace orders included), a store return the order it returns (bought in any
-- channel), a support ticket the order it is about, a survey response the order, ticket, call
-- or lead it is about, a shop order the call it was taken on, a phone order its call and its
-- shop order (the same id). So two records are linked when one names the other, whatever
-- identifiers each carries: an order whose only identifier is junk still joins the person
-- of the purchase event, ticket or points entry that names it. References are never junk.
-- Web forms remember the browser: a lead submitted on a web form links its CRM contact, and
-- a newsletter sign-up on a web form the subscriber's email, to the browser cookie (the GA
-- client id the form's hidden field stores).
-- Incremental: the edges of event-grain records (web and app events, message sends: 84% of the
-- rows on the demo world) are extracted for the days a run re-reads (the lookback of each
-- table's extract day, as in their staging tables) and kept afterwards; an event's edges depend
-- on the event's own columns only. The edges of every other record (customers, orders,
-- contacts...: snapshots that may change) are extracted again on every run and compared with
-- the stored ones: only the records whose set of edges differs (changed, new or gone; per
-- record the count of its edges and the sum of a 64-bit hash of each, macro
-- identity_edge_set_hash, compared with the same of its stored edges) are replaced. What a
-- run replaces (strategy replace_or_remove, key identity_edge_replace_key) is an event table's
-- extract day (`edge_partition`) or one record of another table; a changed record gets a
-- tombstone (its key deleted) and its current edges, if any. Spark rebuilds the
-- model in full (replace_or_remove_config).
{{ config(**replace_or_remove_config(identity_edge_replace_key())) }}

{%- if execute and is_incremental() and 'edge_partition' not in (adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) -%}
    {{ exceptions.raise_compiler_error(this ~ " was built before its edges were kept per extract day: rebuild it once with --full-refresh") }}
{%- endif -%}
{%- set web_day = "case when source_system = 'web_analytics' and source_table = 'events' then event_extract_date end" -%}
{%- set app_day = "case when source_system = 'app_analytics' and source_table = 'events' then event_extract_date end" -%}
{%- set send_day = "case when source_system = 'messaging' and source_table = 'sends' then event_extract_date end" %}

with

web_events as (
    -- every web event's nodes worked out once (the macro's ten branches reuse them); msg_id is
    -- parsed only from the URLs that carry it
    select
        event_id,
        extract_date,
        {{ identity_node('cookie', 'user_pseudo_id') }} as cookie_node,
        {{ identity_node('account', 'user_id') }} as account_node,
        {{ identity_node('ref', 'transaction_id') }} as order_node,
        case
            when page_location like '%msg_id=%'
                then {{ identity_node('ref', "nullif(" ~ dbt.split_part(dbt.split_part('page_location', "'msg_id='", 2), "'&'", 1) ~ ", '')") }}
        end as message_node
    from {{ ref('stg_web_analytics__events') }}
    where {{ lookback_window_filter('extract_date', web_day) }}
),

app_events as (
    select
        event_id,
        extract_date,
        {{ identity_node('device', 'device_id') }} as device_node,
        {{ identity_node('account', 'user_id') }} as account_node,
        {{ identity_node('ref', 'transaction_id') }} as order_node
    from {{ ref('stg_app_analytics__events') }}
    where {{ lookback_window_filter('extract_date', app_day) }}
),

geofence_visits as (
    select visit_id, device_id, user_id from {{ ref('stg_app_analytics__geofence_visits') }}
),

shop_customers as (
    select customer_account_id, email_hash, phone_hash from {{ ref('stg_ecommerce__customers') }}
),

shop_orders as (
    select order_id, customer_account_id, email_hash, call_id from {{ ref('stg_ecommerce__orders') }}
),

pos_transactions as (
    select transaction_id, loyalty_card_number, receipt_email_hash, card_fingerprint_hash
    from {{ ref('stg_store_pos__transactions') }}
),

store_returns as (
    select return_id, loyalty_card_number, original_order_ref from {{ ref('stg_store_pos__returns') }}
),

marketplace_orders as (
    select marketplace_order_id, buyer_id, masked_email_hash, delivery_phone_hash
    from {{ ref('stg_marketplace__orders') }}
),

crm_contacts as (
    select contact_id, email_hash, phone_hash, customer_account_id from {{ ref('stg_crm__contacts') }}
),

crm_leads as (
    select lead_id, contact_id from {{ ref('stg_crm__leads') }}
),

lead_form_sessions as (
    -- web-form leads: the form's hidden field holds the GA client id (user_pseudo_id)
    select lead_id, ga_client_id from {{ ref('stg_crm__leads') }}
    where ga_client_id is not null
),

newsletter_subscribers as (
    -- the email platform's list; a web-form sign-up holds the GA client id (user_pseudo_id)
    select subscriber_id, email_hash, ga_client_id from {{ ref('stg_messaging__subscribers') }}
),

calls as (
    select call_id, caller_phone_hash, customer_account_id from {{ ref('stg_call_centre__calls') }}
),

phone_orders as (
    select phone_order_id, call_id, caller_phone_hash, customer_account_id
    from {{ ref('stg_call_centre__phone_orders') }}
),

tickets as (
    select ticket_id, requester_email_hash, order_ref from {{ ref('stg_support__tickets') }}
),

survey_responses as (
    select response_id, respondent_email_hash, customer_account_id, touchpoint_ref
    from {{ ref('stg_surveys__responses') }}
),

message_sends as (
    select
        message_id,
        extract_date,
        {{ identity_node('ref', 'message_id') }} as message_node,
        case when message_channel = 'sms' then null else {{ identity_node('email', 'recipient_hash') }} end as email_node,
        case when message_channel = 'sms' then {{ identity_node('phone', 'recipient_hash') }} end as phone_node
    from {{ ref('stg_messaging__sends') }}
    where {{ lookback_window_filter('extract_date', send_day) }}
),

loyalty_members as (
    select member_id, card_number, email_hash, phone_hash from {{ ref('stg_loyalty__members') }}
),

points_entries as (
    select ledger_entry_id, card_number, order_ref from {{ ref('stg_loyalty__points_ledger_entries') }}
),

pairs as (

    {{ identity_record_edges('web_events', 'web_analytics', 'events', 'event_id', [
        ['cookie', 'cookie_node', 'node'], ['account', 'account_node', 'node'],
        ['ref', 'order_node', 'node'], ['ref', 'message_node', 'node'],
    ], day_column='extract_date', single_scan=true) }}

    union all

    {{ identity_record_edges('app_events', 'app_analytics', 'events', 'event_id', [
        ['device', 'device_node', 'node'], ['account', 'account_node', 'node'], ['ref', 'order_node', 'node'],
    ], day_column='extract_date', single_scan=true) }}

    union all

    {{ identity_record_edges('geofence_visits', 'app_analytics', 'geofence_visits', 'visit_id', [
        ['device', 'device_id'], ['account', 'user_id'],
    ]) }}

    union all

    {{ identity_record_edges('shop_customers', 'ecommerce', 'customers', 'customer_account_id', [
        ['account', 'customer_account_id'], ['email', 'email_hash'], ['phone', 'phone_hash'],
    ]) }}

    union all

    {{ identity_record_edges('shop_orders', 'ecommerce', 'orders', 'order_id', [
        ['ref', 'order_id'], ['account', 'customer_account_id'], ['email', 'email_hash'], ['ref', 'call_id'],
    ]) }}

    union all

    {{ identity_record_edges('pos_transactions', 'store_pos', 'transactions', 'transaction_id', [
        ['ref', 'transaction_id'], ['loyalty', 'loyalty_card_number'],
        ['email', 'receipt_email_hash'], ['card', 'card_fingerprint_hash'],
    ]) }}

    union all

    {{ identity_record_edges('store_returns', 'store_pos', 'returns', 'return_id', [
        ['ref', 'original_order_ref'], ['loyalty', 'loyalty_card_number'],
    ]) }}

    union all

    {{ identity_record_edges('marketplace_orders', 'marketplace', 'orders', 'marketplace_order_id', [
        ['ref', 'marketplace_order_id'], ['marketplace_buyer', 'buyer_id'],
        ['email', 'masked_email_hash'], ['phone', 'delivery_phone_hash'],
    ]) }}

    union all

    {{ identity_record_edges('crm_contacts', 'crm', 'contacts', 'contact_id', [
        ['crm_contact', 'contact_id'], ['email', 'email_hash'], ['phone', 'phone_hash'],
        ['account', 'customer_account_id'],
    ]) }}

    union all

    {{ identity_record_edges('crm_leads', 'crm', 'leads', 'lead_id', [
        ['ref', 'lead_id'], ['crm_contact', 'contact_id'],
    ]) }}

    union all

    {{ identity_record_edges('calls', 'call_centre', 'calls', 'call_id', [
        ['ref', 'call_id'], ['phone', 'caller_phone_hash'], ['account', 'customer_account_id'],
    ]) }}

    union all

    {{ identity_record_edges('phone_orders', 'call_centre', 'phone_orders', 'phone_order_id', [
        ['ref', 'phone_order_id'], ['ref', 'call_id'],
        ['phone', 'caller_phone_hash'], ['account', 'customer_account_id'],
    ]) }}

    union all

    {{ identity_record_edges('tickets', 'support', 'tickets', 'ticket_id', [
        ['ref', 'ticket_id'], ['email', 'requester_email_hash'], ['ref', 'order_ref'],
    ]) }}

    union all

    {{ identity_record_edges('survey_responses', 'surveys', 'responses', 'response_id', [
        ['ref', 'response_id'], ['email', 'respondent_email_hash'],
        ['account', 'customer_account_id'], ['ref', 'touchpoint_ref'],
    ]) }}

    union all

    {{ identity_record_edges('message_sends', 'messaging', 'sends', 'message_id', [
        ['ref', 'message_node', 'node'], ['email', 'email_node', 'node'], ['phone', 'phone_node', 'node'],
    ], day_column='extract_date', single_scan=true) }}

    union all

    {{ identity_record_edges('loyalty_members', 'loyalty', 'members', 'member_id', [
        ['loyalty', 'card_number'], ['email', 'email_hash'], ['phone', 'phone_hash'],
    ]) }}

    union all

    {{ identity_record_edges('points_entries', 'loyalty', 'points_ledger', 'ledger_entry_id', [
        ['loyalty', 'card_number'], ['ref', 'order_ref'],
    ]) }}

    union all

    -- a web-form lead: the lead (and through it its contact) and the browser that sent it
    {{ identity_record_edges('lead_form_sessions', 'crm', 'leads', 'lead_id', [
        ['ref', 'lead_id'], ['cookie', 'ga_client_id'],
    ]) }}

    union all

    -- a newsletter subscriber: the email, and the browser of a web-form sign-up
    {{ identity_record_edges('newsletter_subscribers', 'messaging', 'subscribers', 'subscriber_id', [
        ['email', 'email_hash'], ['cookie', 'ga_client_id'],
    ]) }}

),

edges as (

    select
        source_system,
        source_table,
        cast(source_record_id as {{ dbt.type_string() }}) as source_record_id,
        event_extract_date,
        case when node_a <= node_b then node_a else node_b end as node_a,
        case when node_a <= node_b then node_b else node_a end as node_b
    from pairs

),

single_edge_records as (

    -- High-volume tables whose records are unique in staging and whose nodes are of distinct
    -- types (so two branches of the macro never give the same pair): their edges are distinct
    -- already. Leaving them out of the distinct below keeps its hash table small (measured in
    -- docs/benchmarks.md).
    select
        source_system,
        source_table,
        source_record_id,
        event_extract_date,
        node_a,
        node_b
    from edges
    where
        (source_system in ('web_analytics', 'app_analytics') and source_table = 'events')
        or (source_system = 'messaging' and source_table = 'sends')

),

multi_edge_records as (

    -- two columns of a record may hold the same node
    select distinct
        source_system,
        source_table,
        source_record_id,
        event_extract_date,
        node_a,
        node_b
    from edges
    where not (
        (source_system in ('web_analytics', 'app_analytics') and source_table = 'events')
        or (source_system = 'messaging' and source_table = 'sends')
    )

),

{% if is_incremental() %}

snapshot_edges as {{ cte_materialized() }} (
    -- the other records' edges, extracted again: compared with the stored ones below
    select source_system, source_table, source_record_id, node_a, node_b
    from multi_edge_records
),

stored_snapshot_edges as (
    select source_system, source_table, source_record_id, node_a, node_b
    from {{ this }}
    where event_extract_date is null
),

{#- per record: how many edges, and the sum of a hash of each (a multiset of its edges), for the
    edges extracted now and for the stored ones -#}
{% for side, edges in [('snapshot', 'snapshot_edges'), ('stored', 'stored_snapshot_edges')] %}
{{ side }}_signatures as (

    select
        source_system,
        source_table,
        source_record_id,
        count(*) as edge_count,
        sum({{ identity_edge_set_hash('node_a', 'node_b') }}) as edge_hash_sum
    from {{ edges }}
    group by source_system, source_table, source_record_id

),
{% endfor %}

changed_records as {{ cte_materialized() }} (

    -- records whose edges differ (edges gained or lost), new records and gone ones
    select
        coalesce(snapshot_signatures.source_system, stored_signatures.source_system) as source_system,
        coalesce(snapshot_signatures.source_table, stored_signatures.source_table) as source_table,
        coalesce(snapshot_signatures.source_record_id, stored_signatures.source_record_id) as source_record_id
    from snapshot_signatures
    full outer join stored_signatures
        on
            snapshot_signatures.source_system = stored_signatures.source_system
            and snapshot_signatures.source_table = stored_signatures.source_table
            and snapshot_signatures.source_record_id = stored_signatures.source_record_id
    where
        snapshot_signatures.source_record_id is null
        or stored_signatures.source_record_id is null
        or snapshot_signatures.edge_count != stored_signatures.edge_count
        or snapshot_signatures.edge_hash_sum != stored_signatures.edge_hash_sum

),

distinct_edges as (

    select * from single_edge_records

    union all

    select
        snapshot_edges.source_system,
        snapshot_edges.source_table,
        snapshot_edges.source_record_id,
        cast(null as date) as event_extract_date,
        snapshot_edges.node_a,
        snapshot_edges.node_b
    from snapshot_edges
    inner join changed_records
        on
            snapshot_edges.source_system = changed_records.source_system
            and snapshot_edges.source_table = changed_records.source_table
            and snapshot_edges.source_record_id = changed_records.source_record_id

),

{% else %}

distinct_edges as (

    select * from single_edge_records
    union all
    select * from multi_edge_records

),

{% endif %}

final as (

    select
        {{ dbt.hash(dbt.concat(["source_system", "'|'", "source_table", "'|'", "source_record_id", "'|'", "node_a", "'|'", "node_b"])) }} as identity_edge_id,
        source_system,
        source_table,
        source_record_id,
        node_a,
        node_b,
        event_extract_date,
        case
            when event_extract_date is null then {{ dbt.concat(["source_system", "'.'", "source_table"]) }}
            else {{ dbt.concat(["source_system", "'.'", "source_table", "'|'", "cast(event_extract_date as " ~ dbt.type_string() ~ ")"]) }}
        end as edge_partition
    from distinct_edges

)

select
    identity_edge_id,
    source_system,
    source_table,
    source_record_id,
    node_a,
    node_b,
    event_extract_date,
    edge_partition{% if is_incremental() %},
    false as is_removed{% endif %}
from final
{% if is_incremental() %}

union all

-- a tombstone per changed record: its stored edges are deleted (its current ones, if any, are
-- inserted from the rows above)
select
    cast(null as {{ dbt.type_string() }}) as identity_edge_id,
    source_system,
    source_table,
    source_record_id,
    cast(null as {{ dbt.type_string() }}) as node_a,
    cast(null as {{ dbt.type_string() }}) as node_b,
    cast(null as date) as event_extract_date,
    {{ dbt.concat(["source_system", "'.'", "source_table"]) }} as edge_partition,
    true as is_removed
from changed_records
{% endif %}
