-- Every pair of identifiers seen together in one record, with the record it came from.
-- A record that carries a single identifier gives a self-edge, so that it still maps to a node.
-- Links that a record makes by naming another record are edges of the naming record: a
-- purchase event names its order (guest checkouts included), an email or SMS click lands
-- with the message id the email service provider appends to every tracked link (msg_id),
-- a loyalty points entry names the order it credits (marketplace orders included), a store
-- return with a scanned card names the order it returns (bought in any channel), a support
-- ticket the order it is about (marketplace buyers often write from their own address), and
-- a survey response the order, ticket, call or lead it is about. A marketplace order also
-- links its buyer to the delivery phone of the shipping address.

with

web_events as (
    select
        event_id,
        user_pseudo_id,
        user_id,
        transaction_id,
        nullif({{ dbt.split_part(dbt.split_part('page_location', "'msg_id='", 2), "'&'", 1) }}, '') as clicked_message_id
    from {{ ref('stg_web_analytics__events') }}
),

app_events as (
    select event_id, device_id, user_id from {{ ref('stg_app_analytics__events') }}
),

geofence_visits as (
    select visit_id, device_id, user_id from {{ ref('stg_app_analytics__geofence_visits') }}
),

shop_customers as (
    select customer_account_id, email_hash, phone_hash from {{ ref('stg_ecommerce__customers') }}
),

shop_orders as (
    select order_id, customer_account_id, email_hash from {{ ref('stg_ecommerce__orders') }}
),

pos_transactions as (
    select transaction_id, loyalty_card_number, receipt_email_hash, card_fingerprint_hash
    from {{ ref('stg_store_pos__transactions') }}
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

calls as (
    select call_id, caller_phone_hash, customer_account_id from {{ ref('stg_call_centre__calls') }}
),

phone_orders as (
    select phone_order_id, caller_phone_hash, customer_account_id from {{ ref('stg_call_centre__phone_orders') }}
),

tickets as (
    select ticket_id, requester_email_hash, order_ref from {{ ref('stg_support__tickets') }}
),

survey_responses as (
    select response_id, respondent_email_hash, customer_account_id, touchpoint_ref
    from {{ ref('stg_surveys__responses') }}
),

message_sends as (
    select message_id, message_channel, recipient_hash from {{ ref('stg_messaging__sends') }}
),

loyalty_members as (
    select member_id, card_number, email_hash, phone_hash from {{ ref('stg_loyalty__members') }}
),

store_returns as (
    select return_id, loyalty_card_number, original_order_ref from {{ ref('stg_store_pos__returns') }}
),

points_entries as (
    select ledger_entry_id, card_number, order_ref from {{ ref('stg_loyalty__points_ledger_entries') }}
),

order_owners as (

    -- the strongest identifier each order carries, by order reference
    select
        order_id as order_ref,
        coalesce({{ identity_node('account', 'customer_account_id') }}, {{ identity_node('email', 'email_hash') }}) as owner_node
    from shop_orders

    union all

    select
        marketplace_order_id as order_ref,
        {{ identity_node('marketplace_buyer', 'buyer_id') }} as owner_node
    from marketplace_orders

    union all

    select
        transaction_id as order_ref,
        coalesce({{ identity_node('loyalty', 'loyalty_card_number') }}, {{ identity_node('email', 'receipt_email_hash') }}, {{ identity_node('card', 'card_fingerprint_hash') }}) as owner_node
    from pos_transactions

),

touchpoint_owners as (

    -- the identifier behind each thing a survey can be about: an order, a ticket, a call, a lead
    select order_ref as touchpoint_ref, owner_node from order_owners

    union all

    select
        ticket_id as touchpoint_ref,
        {{ identity_node('email', 'requester_email_hash') }} as owner_node
    from tickets

    union all

    select
        call_id as touchpoint_ref,
        coalesce({{ identity_node('account', 'customer_account_id') }}, {{ identity_node('phone', 'caller_phone_hash') }}) as owner_node
    from calls

    union all

    select
        lead_id as touchpoint_ref,
        {{ identity_node('crm_contact', 'contact_id') }} as owner_node
    from crm_leads

),

pairs as (

    select
        'web_analytics' as source_system,
        'events' as source_table,
        event_id as source_record_id,
        {{ identity_node('cookie', 'user_pseudo_id') }} as node_a,
        coalesce({{ identity_node('account', 'user_id') }}, {{ identity_node('cookie', 'user_pseudo_id') }}) as node_b
    from web_events

    union all

    select
        'web_analytics' as source_system,
        'events' as source_table,
        web_events.event_id as source_record_id,
        {{ identity_node('cookie', 'web_events.user_pseudo_id') }} as node_a,
        order_owners.owner_node as node_b
    from web_events
    inner join order_owners
        on web_events.transaction_id = order_owners.order_ref

    union all

    select
        'web_analytics' as source_system,
        'events' as source_table,
        web_events.event_id as source_record_id,
        {{ identity_node('cookie', 'web_events.user_pseudo_id') }} as node_a,
        case
            when message_sends.message_channel = 'sms' then {{ identity_node('phone', 'message_sends.recipient_hash') }}
            else {{ identity_node('email', 'message_sends.recipient_hash') }}
        end as node_b
    from web_events
    inner join message_sends
        on web_events.clicked_message_id = message_sends.message_id

    union all

    select
        'app_analytics' as source_system,
        'events' as source_table,
        event_id as source_record_id,
        {{ identity_node('device', 'device_id') }} as node_a,
        coalesce({{ identity_node('account', 'user_id') }}, {{ identity_node('device', 'device_id') }}) as node_b
    from app_events

    union all

    select
        'app_analytics' as source_system,
        'geofence_visits' as source_table,
        visit_id as source_record_id,
        {{ identity_node('device', 'device_id') }} as node_a,
        coalesce({{ identity_node('account', 'user_id') }}, {{ identity_node('device', 'device_id') }}) as node_b
    from geofence_visits

    union all

    select
        'ecommerce' as source_system,
        'customers' as source_table,
        customer_account_id as source_record_id,
        {{ identity_node('account', 'customer_account_id') }} as node_a,
        {{ identity_node('email', 'email_hash') }} as node_b
    from shop_customers

    union all

    select
        'ecommerce' as source_system,
        'customers' as source_table,
        customer_account_id as source_record_id,
        {{ identity_node('account', 'customer_account_id') }} as node_a,
        {{ identity_node('phone', 'phone_hash') }} as node_b
    from shop_customers

    union all

    select
        'ecommerce' as source_system,
        'orders' as source_table,
        order_id as source_record_id,
        coalesce({{ identity_node('account', 'customer_account_id') }}, {{ identity_node('email', 'email_hash') }}) as node_a,
        coalesce({{ identity_node('email', 'email_hash') }}, {{ identity_node('account', 'customer_account_id') }}) as node_b
    from shop_orders

    union all

    select
        'store_pos' as source_system,
        'transactions' as source_table,
        transaction_id as source_record_id,
        coalesce({{ identity_node('loyalty', 'loyalty_card_number') }}, {{ identity_node('email', 'receipt_email_hash') }}, {{ identity_node('card', 'card_fingerprint_hash') }}) as node_a,
        coalesce({{ identity_node('email', 'receipt_email_hash') }}, {{ identity_node('card', 'card_fingerprint_hash') }}, {{ identity_node('loyalty', 'loyalty_card_number') }}) as node_b
    from pos_transactions

    union all

    select
        'store_pos' as source_system,
        'transactions' as source_table,
        transaction_id as source_record_id,
        coalesce({{ identity_node('loyalty', 'loyalty_card_number') }}, {{ identity_node('email', 'receipt_email_hash') }}, {{ identity_node('card', 'card_fingerprint_hash') }}) as node_a,
        coalesce({{ identity_node('card', 'card_fingerprint_hash') }}, {{ identity_node('loyalty', 'loyalty_card_number') }}, {{ identity_node('email', 'receipt_email_hash') }}) as node_b
    from pos_transactions

    union all

    select
        'store_pos' as source_system,
        'transactions' as source_table,
        transaction_id as source_record_id,
        coalesce({{ identity_node('email', 'receipt_email_hash') }}, {{ identity_node('card', 'card_fingerprint_hash') }}, {{ identity_node('loyalty', 'loyalty_card_number') }}) as node_a,
        coalesce({{ identity_node('card', 'card_fingerprint_hash') }}, {{ identity_node('email', 'receipt_email_hash') }}, {{ identity_node('loyalty', 'loyalty_card_number') }}) as node_b
    from pos_transactions

    union all

    select
        'marketplace' as source_system,
        'orders' as source_table,
        marketplace_order_id as source_record_id,
        {{ identity_node('marketplace_buyer', 'buyer_id') }} as node_a,
        coalesce({{ identity_node('email', 'masked_email_hash') }}, {{ identity_node('marketplace_buyer', 'buyer_id') }}) as node_b
    from marketplace_orders

    union all

    select
        'marketplace' as source_system,
        'orders' as source_table,
        marketplace_order_id as source_record_id,
        {{ identity_node('marketplace_buyer', 'buyer_id') }} as node_a,
        coalesce({{ identity_node('phone', 'delivery_phone_hash') }}, {{ identity_node('marketplace_buyer', 'buyer_id') }}) as node_b
    from marketplace_orders

    union all

    select
        'crm' as source_system,
        'contacts' as source_table,
        contact_id as source_record_id,
        {{ identity_node('crm_contact', 'contact_id') }} as node_a,
        coalesce({{ identity_node('email', 'email_hash') }}, {{ identity_node('crm_contact', 'contact_id') }}) as node_b
    from crm_contacts

    union all

    select
        'crm' as source_system,
        'contacts' as source_table,
        contact_id as source_record_id,
        {{ identity_node('crm_contact', 'contact_id') }} as node_a,
        coalesce({{ identity_node('phone', 'phone_hash') }}, {{ identity_node('crm_contact', 'contact_id') }}) as node_b
    from crm_contacts

    union all

    select
        'crm' as source_system,
        'contacts' as source_table,
        contact_id as source_record_id,
        {{ identity_node('crm_contact', 'contact_id') }} as node_a,
        coalesce({{ identity_node('account', 'customer_account_id') }}, {{ identity_node('crm_contact', 'contact_id') }}) as node_b
    from crm_contacts

    union all

    select
        'crm' as source_system,
        'leads' as source_table,
        lead_id as source_record_id,
        {{ identity_node('crm_contact', 'contact_id') }} as node_a,
        {{ identity_node('crm_contact', 'contact_id') }} as node_b
    from crm_leads

    union all

    select
        'call_centre' as source_system,
        'calls' as source_table,
        call_id as source_record_id,
        coalesce({{ identity_node('phone', 'caller_phone_hash') }}, {{ identity_node('account', 'customer_account_id') }}) as node_a,
        coalesce({{ identity_node('account', 'customer_account_id') }}, {{ identity_node('phone', 'caller_phone_hash') }}) as node_b
    from calls

    union all

    select
        'call_centre' as source_system,
        'phone_orders' as source_table,
        phone_order_id as source_record_id,
        coalesce({{ identity_node('phone', 'caller_phone_hash') }}, {{ identity_node('account', 'customer_account_id') }}) as node_a,
        coalesce({{ identity_node('account', 'customer_account_id') }}, {{ identity_node('phone', 'caller_phone_hash') }}) as node_b
    from phone_orders

    union all

    select
        'support' as source_system,
        'tickets' as source_table,
        ticket_id as source_record_id,
        {{ identity_node('email', 'requester_email_hash') }} as node_a,
        {{ identity_node('email', 'requester_email_hash') }} as node_b
    from tickets

    union all

    select
        'support' as source_system,
        'tickets' as source_table,
        tickets.ticket_id as source_record_id,
        {{ identity_node('email', 'tickets.requester_email_hash') }} as node_a,
        order_owners.owner_node as node_b
    from tickets
    inner join order_owners
        on tickets.order_ref = order_owners.order_ref

    union all

    select
        'surveys' as source_system,
        'responses' as source_table,
        response_id as source_record_id,
        coalesce({{ identity_node('email', 'respondent_email_hash') }}, {{ identity_node('account', 'customer_account_id') }}) as node_a,
        coalesce({{ identity_node('account', 'customer_account_id') }}, {{ identity_node('email', 'respondent_email_hash') }}) as node_b
    from survey_responses

    union all

    select
        'surveys' as source_system,
        'responses' as source_table,
        survey_responses.response_id as source_record_id,
        coalesce({{ identity_node('email', 'survey_responses.respondent_email_hash') }}, {{ identity_node('account', 'survey_responses.customer_account_id') }}) as node_a,
        touchpoint_owners.owner_node as node_b
    from survey_responses
    inner join touchpoint_owners
        on survey_responses.touchpoint_ref = touchpoint_owners.touchpoint_ref

    union all

    select
        'messaging' as source_system,
        'sends' as source_table,
        message_id as source_record_id,
        case when message_channel = 'sms' then {{ identity_node('phone', 'recipient_hash') }} else {{ identity_node('email', 'recipient_hash') }} end as node_a,
        case when message_channel = 'sms' then {{ identity_node('phone', 'recipient_hash') }} else {{ identity_node('email', 'recipient_hash') }} end as node_b
    from message_sends

    union all

    select
        'loyalty' as source_system,
        'members' as source_table,
        member_id as source_record_id,
        {{ identity_node('loyalty', 'card_number') }} as node_a,
        coalesce({{ identity_node('email', 'email_hash') }}, {{ identity_node('loyalty', 'card_number') }}) as node_b
    from loyalty_members

    union all

    select
        'loyalty' as source_system,
        'members' as source_table,
        member_id as source_record_id,
        {{ identity_node('loyalty', 'card_number') }} as node_a,
        coalesce({{ identity_node('phone', 'phone_hash') }}, {{ identity_node('loyalty', 'card_number') }}) as node_b
    from loyalty_members

    union all

    select
        'loyalty' as source_system,
        'points_ledger' as source_table,
        points_entries.ledger_entry_id as source_record_id,
        {{ identity_node('loyalty', 'points_entries.card_number') }} as node_a,
        order_owners.owner_node as node_b
    from points_entries
    inner join order_owners
        on points_entries.order_ref = order_owners.order_ref

    union all

    select
        'store_pos' as source_system,
        'returns' as source_table,
        store_returns.return_id as source_record_id,
        {{ identity_node('loyalty', 'store_returns.loyalty_card_number') }} as node_a,
        order_owners.owner_node as node_b
    from store_returns
    inner join order_owners
        on store_returns.original_order_ref = order_owners.order_ref

),

edges as (

    select
        source_system,
        source_table,
        cast(source_record_id as {{ dbt.type_string() }}) as source_record_id,
        case when node_a <= node_b then node_a else node_b end as node_a,
        case when node_a <= node_b then node_b else node_a end as node_b
    from pairs
    where
        node_a is not null
        and node_b is not null

),

single_edge_records as (

    -- Tables with one branch above give at most one edge per record, and their records are
    -- unique in staging: their edges are distinct already. Leaving these high-volume tables
    -- out of the distinct below keeps its hash table small (measured in docs/benchmarks.md).
    -- Web events are not among them: a purchase or a tracked-link landing adds a second edge.
    select
        source_system,
        source_table,
        source_record_id,
        node_a,
        node_b
    from edges
    where
        (source_system = 'app_analytics' and source_table = 'events')
        or (source_system = 'messaging' and source_table = 'sends')

),

multi_edge_records as (

    -- a record with several identifier pairs may give the same edge twice
    select distinct
        source_system,
        source_table,
        source_record_id,
        node_a,
        node_b
    from edges
    where not (
        (source_system = 'app_analytics' and source_table = 'events')
        or (source_system = 'messaging' and source_table = 'sends')
    )

),

distinct_edges as (

    select * from single_edge_records
    union all
    select * from multi_edge_records

)

select
    {{ dbt.hash(dbt.concat(["source_system", "'|'", "source_table", "'|'", "source_record_id", "'|'", "node_a", "'|'", "node_b"])) }} as identity_edge_id,
    source_system,
    source_table,
    source_record_id,
    node_a,
    node_b
from distinct_edges
