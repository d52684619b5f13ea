-- One row per unified customer with a shop account or a message sent: marketing consent by
-- email and SMS. Consent = the accepts_*_marketing flag of the customer's most recently
-- updated shop account (no account, no consent), revoked by any unsubscribe the customer
-- made from a message of that channel (messaging engagements of type unsubscribe, the
-- customer found through the send's recipient in the identity graph).

with

stitched as (
    select source_system, source_table, source_record_id, customer_id
    from {{ ref('int_source_records_stitched') }}
    where customer_id is not null
),

accounts as (
    select customer_account_id, updated_at, accepts_email_marketing, accepts_sms_marketing
    from {{ ref('stg_ecommerce__customers') }}
),

sends as (
    select message_id, message_channel from {{ ref('stg_messaging__sends') }}
),

engagements as (
    select message_id, engagement_type from {{ ref('stg_messaging__engagements') }}
),

customer_accounts as (

    select
        stitched.customer_id,
        accounts.accepts_email_marketing,
        accounts.accepts_sms_marketing,
        row_number() over (
            partition by stitched.customer_id
            order by accounts.updated_at desc nulls last, accounts.customer_account_id desc nulls last
        ) as recency_rank
    from accounts
    inner join stitched
        on
            stitched.source_system = 'ecommerce'
            and stitched.source_table = 'customers'
            and accounts.customer_account_id = stitched.source_record_id

),

unsubscribes as (

    select
        stitched.customer_id,
        max(case when sends.message_channel = 'email' then 1 else 0 end) as has_email_unsubscribe,
        max(case when sends.message_channel = 'sms' then 1 else 0 end) as has_sms_unsubscribe
    from engagements
    inner join sends
        on engagements.message_id = sends.message_id
    inner join stitched
        on
            stitched.source_system = 'messaging'
            and stitched.source_table = 'sends'
            and sends.message_id = stitched.source_record_id
    where engagements.engagement_type = 'unsubscribe'
    group by stitched.customer_id

),

latest_accounts as (
    select customer_id, accepts_email_marketing, accepts_sms_marketing
    from customer_accounts
    where recency_rank = 1
),

customer_keys as (
    select customer_id from latest_accounts
    union
    select customer_id from unsubscribes
)

select
    customer_keys.customer_id,
    latest_accounts.customer_id is not null as has_shop_account,
    coalesce(latest_accounts.accepts_email_marketing, false) as accepts_email_marketing,
    coalesce(latest_accounts.accepts_sms_marketing, false) as accepts_sms_marketing,
    coalesce(unsubscribes.has_email_unsubscribe, 0) = 1 as has_email_unsubscribe,
    coalesce(unsubscribes.has_sms_unsubscribe, 0) = 1 as has_sms_unsubscribe,
    coalesce(latest_accounts.accepts_email_marketing, false)
    and coalesce(unsubscribes.has_email_unsubscribe, 0) = 0 as is_email_consented,
    coalesce(latest_accounts.accepts_sms_marketing, false)
    and coalesce(unsubscribes.has_sms_unsubscribe, 0) = 0 as is_sms_consented
from customer_keys
left join latest_accounts
    on customer_keys.customer_id = latest_accounts.customer_id
left join unsubscribes
    on customer_keys.customer_id = unsubscribes.customer_id
