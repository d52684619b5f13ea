"""The raw extract contract: every system, table and column the generator writes.

This module is the single source of truth shared by the generator (which writes
these columns), the landing checks in ``omnichannel.quality`` (which expect
them) and the dbt sources under ``models/staging/<system>/`` (which describe
them). Change a column here and all three must follow.

Layout on disk::

    <raw>/<system>/<table>/date=YYYY-MM-DD/part-0.parquet   (partition = "daily")
    <raw>/<system>/<table>/snapshot.parquet                 (partition = "snapshot")

Timestamps that real extracts deliver as text are strings here too, so that
the planted defects (local times, unparseable values) can exist. ``*_ts``
strings are ISO-8601; where an offset is missing the value is UTC unless the
column says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

STRING = pa.string()
INT = pa.int64()
FLOAT = pa.float64()
BOOL = pa.bool_()
DATE = pa.date32()


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True


@dataclass(frozen=True)
class RawTable:
    system: str
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    partition: str = "daily"  # "daily" or "snapshot"
    loaded_at: str | None = None  # column usable as dbt freshness loaded_at_field
    accepted_values: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def qualified_name(self) -> str:
        return f"{self.system}.{self.name}"

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns])

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def C(name: str, type_: pa.DataType, description: str, nullable: bool = True) -> Column:
    return Column(name, type_, description, nullable)


def K(name: str, type_: pa.DataType, description: str) -> Column:
    """A key column: never null in a clean extract (planted defects aside)."""
    return Column(name, type_, description, nullable=True)


UTM = (
    C("utm_source", STRING, "utm_source of the landing URL, as collected (mixed case possible)."),
    C("utm_medium", STRING, "utm_medium of the landing URL, as collected."),
    C("utm_campaign", STRING, "utm_campaign of the landing URL (our campaign_id when paid)."),
)

PROMOTION = (
    C(
        "promotion_id",
        STRING,
        "GA4 promotion_id on view_promotion and select_promotion, else null.",
    ),
    C("promotion_name", STRING, "GA4 promotion_name of the on-site promotion, else null."),
    C("creative_name", STRING, "GA4 creative_name of the banner shown, else null."),
    C("creative_slot", STRING, "GA4 creative_slot: where on the page the banner sits, else null."),
)

ORDER_CHANNELS = ("web", "app", "store", "marketplace", "phone")
FULFILMENT_METHODS = (
    "ship_to_home",
    "ship_from_store",
    "bopis",
    "carry_out",
    "marketplace_fulfilled",
)

TABLES: tuple[RawTable, ...] = (
    # ------------------------------------------------------------------ web
    RawTable(
        "web_analytics",
        "events",
        "GA4-like event export of the website, one row per event. Re-sent events repeat event_id.",
        (
            K("event_id", STRING, "Export-assigned event id; a re-sent event repeats it."),
            C("event_timestamp", INT, "Event time in microseconds since the Unix epoch, UTC."),
            C(
                "event_name",
                STRING,
                "page_view, view_item, add_to_cart, begin_checkout, purchase, login, view_promotion, select_promotion.",
            ),
            C("user_pseudo_id", STRING, "First-party cookie id (one per browser)."),
            C(
                "user_id",
                STRING,
                "Shop customer_account_id once the visitor has logged in, else null.",
            ),
            C(
                "ga_session_id",
                INT,
                "Session id assigned by the tag; not trusted, sessions are rebuilt.",
            ),
            C("page_location", STRING, "Full page URL including query string (utm_*, gclid)."),
            C("page_referrer", STRING, "Referrer URL, null when direct."),
            *UTM,
            C(
                "gclid",
                STRING,
                "Ad click id from the landing URL (our ad click id), null otherwise.",
            ),
            C("item_sku", STRING, "SKU of the item for item events."),
            C("transaction_id", STRING, "Shop order_id on purchase events."),
            C("purchase_value", FLOAT, "Order value on purchase events, in `currency`."),
            C("currency", STRING, "ISO currency of purchase_value; may arrive lower-case."),
            C(
                "engagement_time_msec",
                INT,
                "Foreground engagement time since the previous event, ms.",
            ),
            *PROMOTION,
            C("device_category", STRING, "desktop, mobile or tablet."),
            C("user_agent", STRING, "Browser user agent; crawlers are planted here."),
        ),
        key=("event_id",),
        loaded_at=None,
    ),
    # ------------------------------------------------------------------ app
    RawTable(
        "app_analytics",
        "events",
        "Mobile app analytics export, one row per screen or commerce event.",
        (
            K("event_id", STRING, "SDK event id; a re-sent event repeats it."),
            C("event_ts", STRING, "ISO-8601 event time; most carry Z, some a local offset."),
            C(
                "event_name",
                STRING,
                "screen_view, view_item, add_to_cart, begin_checkout, purchase, login, app_open, view_promotion, select_promotion.",
            ),
            C("device_id", STRING, "App install id (one per device)."),
            C("user_id", STRING, "Shop customer_account_id once logged in, else null."),
            C("screen_name", STRING, "Screen shown."),
            *UTM,
            C("item_sku", STRING, "SKU for item events."),
            C("transaction_id", STRING, "Shop order_id on purchase events."),
            C("purchase_value", FLOAT, "Order value on purchase events, in `currency`."),
            C("currency", STRING, "ISO currency, may be lower-case."),
            C("engagement_time_msec", INT, "Foreground time since previous event, ms."),
            *PROMOTION,
            C("os", STRING, "ios or android."),
            C("app_version", STRING, "App version string."),
        ),
        key=("event_id",),
    ),
    RawTable(
        "app_analytics",
        "geofence_visits",
        "Store visits detected by the app's geofence (only users who allowed location).",
        (
            K("visit_id", STRING, "Geofence visit id."),
            C("device_id", STRING, "App install id."),
            C("user_id", STRING, "Shop customer_account_id when logged in."),
            C("store_id", STRING, "Store whose geofence was entered."),
            C("entered_ts", STRING, "ISO-8601 entry time (UTC, Z)."),
            C("exited_ts", STRING, "ISO-8601 exit time (UTC, Z)."),
        ),
        key=("visit_id",),
    ),
    # ------------------------------------------------------------- ecommerce
    RawTable(
        "ecommerce",
        "customers",
        "Shop customer accounts; a changed account is re-sent with a newer updated_ts.",
        (
            K("customer_account_id", STRING, "Shop account id."),
            C("email", STRING, "Account email as typed (case and spaces vary)."),
            C("phone", STRING, "Phone as typed, any format."),
            C("first_name", STRING, "First name (PII)."),
            C("last_name", STRING, "Last name (PII)."),
            C("created_ts", STRING, "ISO-8601 account creation time, UTC."),
            C("updated_ts", STRING, "ISO-8601 last update, UTC."),
            C("accepts_email_marketing", BOOL, "Email marketing consent."),
            C("accepts_sms_marketing", BOOL, "SMS marketing consent."),
        ),
        key=("customer_account_id", "updated_ts"),
        loaded_at="updated_ts",
    ),
    RawTable(
        "ecommerce",
        "orders",
        "Web, app and phone orders of the shop platform (header). Re-sent rows repeat order_id.",
        (
            K("order_id", STRING, "Shop order id."),
            C("customer_account_id", STRING, "Ordering account; null for planted orphan orders."),
            C("email", STRING, "Checkout email as typed."),
            C(
                "order_source",
                STRING,
                "web, app or phone (call centre agents key phone orders here).",
            ),
            C("created_ts", STRING, "ISO-8601 order time, UTC; some unparseable."),
            C("currency", STRING, "ISO currency; may be lower-case."),
            C("subtotal_amount", FLOAT, "Sum of line gross amounts before discounts, excl. VAT."),
            C("discount_amount", FLOAT, "Order-level discount total."),
            C("shipping_amount", FLOAT, "Shipping charged to the customer."),
            C("status", STRING, "placed, cancelled."),
            C("cancel_reason", STRING, "out_of_stock, customer_request, fraud, or null."),
            C("fulfilment_method", STRING, "ship_to_home, ship_from_store or bopis."),
            C("fulfilment_location_id", STRING, "Warehouse (WH01) or store id that fulfils."),
            C("call_id", STRING, "Call centre call id for phone orders."),
            C("updated_ts", STRING, "ISO-8601 last change of the row, UTC."),
        ),
        key=("order_id",),
        loaded_at="updated_ts",
        accepted_values={"order_source": ("web", "app", "phone")},
    ),
    RawTable(
        "ecommerce",
        "order_lines",
        "Shop order lines.",
        (
            K("order_line_id", STRING, "Line id."),
            C("order_id", STRING, "Order id."),
            C("sku", STRING, "Product SKU; a few unknown SKUs are planted."),
            C("quantity", INT, "Units ordered; a few negative values are planted."),
            C("unit_price", FLOAT, "Unit list price excl. VAT, in the order currency."),
            C("discount_amount", FLOAT, "Line discount (allocated share of order discount)."),
        ),
        key=("order_line_id",),
    ),
    RawTable(
        "ecommerce",
        "payments",
        "Payments captured for shop orders.",
        (
            K("payment_id", STRING, "Payment id."),
            C("order_id", STRING, "Order id."),
            C("payment_method", STRING, "card, paypal, klarna."),
            C("amount", FLOAT, "Captured amount, order currency."),
            C("fee_amount", FLOAT, "Payment provider fee, order currency."),
            C("currency", STRING, "ISO currency; may be lower-case."),
            C("paid_ts", STRING, "ISO-8601 capture time, UTC."),
        ),
        key=("payment_id",),
    ),
    RawTable(
        "ecommerce",
        "refunds",
        "Refunds of shop orders returned by post (store returns are in store_pos.returns).",
        (
            K("refund_id", STRING, "Refund id."),
            C("order_id", STRING, "Original shop order id."),
            C("order_line_id", STRING, "Returned line."),
            C("sku", STRING, "Returned SKU."),
            C("quantity", INT, "Units returned."),
            C(
                "amount",
                FLOAT,
                "Refunded amount (net of discount), order currency; some exceed the order.",
            ),
            C("currency", STRING, "ISO currency."),
            C("refunded_ts", STRING, "ISO-8601 refund time, UTC."),
            C("reason", STRING, "Return reason."),
        ),
        key=("refund_id",),
    ),
    # ------------------------------------------------------------- store POS
    RawTable(
        "store_pos",
        "transactions",
        "Till transactions (sales) in stores. Times are store-local, without offset.",
        (
            K("transaction_id", STRING, "POS transaction id."),
            C("store_id", STRING, "Store id (see seed stores)."),
            C("register_id", STRING, "Till id."),
            C(
                "transaction_local_ts",
                STRING,
                "Local wall-clock time 'YYYY-MM-DD HH:MM:SS' of the store.",
            ),
            C(
                "loyalty_card_number",
                STRING,
                "Scanned loyalty card; the store default card is planted.",
            ),
            C("receipt_email", STRING, "E-receipt email as typed."),
            C("card_fingerprint", STRING, "Payment card fingerprint (PII)."),
            C("currency", STRING, "Store currency; may be lower-case."),
            C("total_amount", FLOAT, "Net total of the basket excl. VAT."),
            C("discount_amount", FLOAT, "Basket discount total."),
            C("payment_method", STRING, "card, cash, mobile."),
        ),
        key=("transaction_id",),
    ),
    RawTable(
        "store_pos",
        "transaction_lines",
        "Lines of till transactions.",
        (
            K("transaction_line_id", STRING, "Line id."),
            C("transaction_id", STRING, "POS transaction id."),
            C("sku", STRING, "SKU; a few unknown SKUs planted."),
            C("quantity", INT, "Units; a few negative values planted."),
            C("unit_price", FLOAT, "Unit price excl. VAT, store currency."),
            C("discount_amount", FLOAT, "Line discount."),
        ),
        key=("transaction_line_id",),
    ),
    RawTable(
        "store_pos",
        "returns",
        "Returns taken at a store till, of store sales or of online orders.",
        (
            K("return_id", STRING, "Return id."),
            C("store_id", STRING, "Store taking the return."),
            C("return_local_ts", STRING, "Local wall-clock time of the return."),
            C(
                "original_order_ref",
                STRING,
                "Original order: POS transaction id, shop order id or marketplace order id.",
            ),
            C("sku", STRING, "Returned SKU."),
            C("quantity", INT, "Units returned."),
            C("refund_amount", FLOAT, "Refund paid, store currency; some exceed the order."),
            C("currency", STRING, "ISO currency."),
            C("loyalty_card_number", STRING, "Card scanned at the return, if any."),
        ),
        key=("return_id",),
    ),
    # ------------------------------------------------------------- footfall
    RawTable(
        "store_footfall",
        "hourly_counts",
        "Door counter: visitors entering per store and local hour.",
        (
            K("counter_reading_id", STRING, "Reading id."),
            C("store_id", STRING, "Store id."),
            C("hour_local_ts", STRING, "Local start of the hour 'YYYY-MM-DD HH:00:00'."),
            C("visitors_in", INT, "People counted entering."),
        ),
        key=("counter_reading_id",),
    ),
    # ---------------------------------------------------------- marketplace
    RawTable(
        "marketplace",
        "orders",
        "Marketplace orders (header).",
        (
            K("marketplace_order_id", STRING, "Marketplace order id."),
            C("marketplace", STRING, "marketplace name: amazon, zalando."),
            C("buyer_id", STRING, "Marketplace buyer id."),
            C("masked_email", STRING, "Relay email of the buyer, stable per buyer."),
            C(
                "delivery_phone",
                STRING,
                "Phone of the shipping address as the buyer typed it (any format), if given;"
                " some carry the marketplace's service number or a placeholder.",
            ),
            C("ordered_ts", STRING, "ISO-8601 order time, UTC."),
            C("currency", STRING, "ISO currency; may be lower-case."),
            C("status", STRING, "shipped, cancelled."),
        ),
        key=("marketplace_order_id",),
    ),
    RawTable(
        "marketplace",
        "order_lines",
        "Marketplace order lines.",
        (
            K("marketplace_order_line_id", STRING, "Line id."),
            C("marketplace_order_id", STRING, "Order id."),
            C("sku", STRING, "Our SKU."),
            C("quantity", INT, "Units."),
            C("unit_price", FLOAT, "Unit price excl. VAT."),
            C("discount_amount", FLOAT, "Line discount."),
        ),
        key=("marketplace_order_line_id",),
    ),
    RawTable(
        "marketplace",
        "fees",
        "Fees the marketplace charges per order: commission and fulfilment.",
        (
            K("fee_id", STRING, "Fee id."),
            C("marketplace_order_id", STRING, "Order id."),
            C("fee_type", STRING, "commission or fulfilment."),
            C("amount", FLOAT, "Fee amount."),
            C("currency", STRING, "ISO currency."),
            C("charged_ts", STRING, "ISO-8601, UTC."),
        ),
        key=("fee_id",),
    ),
    RawTable(
        "marketplace",
        "payouts",
        "Daily payouts from the marketplace to us.",
        (
            K("payout_id", STRING, "Payout id."),
            C("marketplace", STRING, "marketplace name."),
            C("payout_date", DATE, "Payout date."),
            C("gross_amount", FLOAT, "Sales settled."),
            C("fees_amount", FLOAT, "Fees withheld."),
            C("net_amount", FLOAT, "Paid out."),
            C("currency", STRING, "ISO currency."),
        ),
        key=("payout_id",),
    ),
    # ------------------------------------------------------------------ CRM
    RawTable(
        "crm",
        "contacts",
        "CRM contacts; re-sent when updated.",
        (
            K("contact_id", STRING, "CRM contact id."),
            C("email", STRING, "Email as typed."),
            C("phone", STRING, "Phone as typed."),
            C("first_name", STRING, "First name (PII)."),
            C("last_name", STRING, "Last name (PII)."),
            C("customer_account_id", STRING, "Linked shop account once known."),
            C("created_ts", STRING, "ISO-8601, UTC."),
            C("updated_ts", STRING, "ISO-8601, UTC."),
        ),
        key=("contact_id", "updated_ts"),
        loaded_at="updated_ts",
    ),
    RawTable(
        "crm",
        "leads",
        "Leads (newsletter sign-ups, quote requests, events) with their status.",
        (
            K("lead_id", STRING, "CRM lead id."),
            C("contact_id", STRING, "Contact of the lead."),
            C("lead_source", STRING, "newsletter, store_event, quote_request, webinar, partner."),
            C("created_ts", STRING, "ISO-8601, UTC."),
            C("status", STRING, "open, qualified, converted, lost (as the CRM last saw it)."),
            C("updated_ts", STRING, "ISO-8601, UTC."),
            C(
                "ga_client_id",
                STRING,
                "GA client id of the web session that submitted the lead form (hidden field):"
                " the browser's user_pseudo_id, or the raw _ga cookie value 'GA1.1.<client id>';"
                " null for leads that did not come from a web form.",
            ),
        ),
        key=("lead_id",),
        loaded_at="updated_ts",
    ),
    # ----------------------------------------------------------- call centre
    RawTable(
        "call_centre",
        "calls",
        "Inbound calls.",
        (
            K("call_id", STRING, "Call id."),
            C("caller_phone", STRING, "Caller number as captured, any format."),
            C("customer_account_id", STRING, "Account identified by the agent, if any."),
            C("started_ts", STRING, "ISO-8601, UTC."),
            C("duration_seconds", INT, "Call length."),
            C("reason", STRING, "order, support, product_question."),
        ),
        key=("call_id",),
    ),
    RawTable(
        "call_centre",
        "phone_orders",
        "Orders taken by phone as the call centre system records them (header); lines live in the shop.",
        (
            K("phone_order_id", STRING, "Same id as the shop order_id."),
            C("call_id", STRING, "Call that placed it."),
            C("caller_phone", STRING, "Caller number."),
            C("customer_account_id", STRING, "Account used."),
            C("agent_id", STRING, "Agent."),
            C("ordered_ts", STRING, "ISO-8601, UTC."),
        ),
        key=("phone_order_id",),
    ),
    # ---------------------------------------------------------- support desk
    RawTable(
        "support",
        "tickets",
        "Support tickets.",
        (
            K("ticket_id", STRING, "Ticket id."),
            C("requester_email", STRING, "Email as typed."),
            C("order_ref", STRING, "Order the ticket is about, if any (any channel's id)."),
            C("contact_channel", STRING, "email, chat, phone."),
            C("category", STRING, "delivery, return, product, billing."),
            C("created_ts", STRING, "ISO-8601, UTC."),
        ),
        key=("ticket_id",),
    ),
    RawTable(
        "support",
        "resolutions",
        "Ticket resolutions.",
        (
            K("resolution_id", STRING, "Resolution id."),
            C("ticket_id", STRING, "Ticket."),
            C("resolved_ts", STRING, "ISO-8601, UTC."),
            C("contacts_count", INT, "Customer contacts it took."),
        ),
        key=("resolution_id",),
    ),
    # ------------------------------------------------------------- messaging
    RawTable(
        "messaging",
        "sends",
        "Email and SMS sends.",
        (
            K("message_id", STRING, "Message id."),
            C("campaign_id", STRING, "Campaign id."),
            C("message_channel", STRING, "email or sms."),
            C("recipient", STRING, "Email address or phone number as stored by the ESP."),
            C("sent_ts", STRING, "ISO-8601, UTC."),
        ),
        key=("message_id",),
    ),
    RawTable(
        "messaging",
        "engagements",
        "Opens, clicks and unsubscribes of messages. Re-sent webhooks repeat engagement_id.",
        (
            K("engagement_id", STRING, "Engagement id."),
            C("message_id", STRING, "Message."),
            C("engagement_type", STRING, "open, click, unsubscribe."),
            C("engaged_ts", STRING, "ISO-8601, UTC."),
            C("url", STRING, "Clicked URL with utm_* parameters."),
        ),
        key=("engagement_id",),
    ),
    RawTable(
        "messaging",
        "subscribers",
        "Newsletter subscribers as the email platform lists them, with their status.",
        (
            K("subscriber_id", STRING, "Subscriber id."),
            C("email", STRING, "Email as typed at sign-up."),
            C("status", STRING, "subscribed, pending (opt-in not confirmed), unsubscribed."),
            C("signup_source", STRING, "web_form, checkout, store, import."),
            C("subscribed_ts", STRING, "ISO-8601, UTC (before the period for older sign-ups)."),
            C(
                "ga_client_id",
                STRING,
                "GA client id of the browser that submitted the sign-up form (hidden field):"
                " the browser's user_pseudo_id, or the raw _ga cookie value 'GA1.1.<client id>';"
                " null unless signup_source is web_form.",
            ),
            C("updated_ts", STRING, "ISO-8601, UTC: the last status change."),
        ),
        key=("subscriber_id",),
        loaded_at="updated_ts",
        accepted_values={
            "status": ("subscribed", "pending", "unsubscribed"),
            "signup_source": ("web_form", "checkout", "store", "import"),
        },
    ),
    # ------------------------------------------------------------------ ads
    RawTable(
        "ads",
        "campaigns",
        "Ad and CRM campaigns with their platform and target channel.",
        (
            K("campaign_id", STRING, "Campaign id, also used as utm_campaign."),
            C("campaign_name", STRING, "Name."),
            C("platform", STRING, "google_ads, meta, display_network, email, sms."),
            C("campaign_type", STRING, "search, social, display, email, sms."),
            C(
                "target_channel",
                STRING,
                "Order channel the campaign drives (web, app, store) or 'brand'.",
            ),
            C("start_date", DATE, "First day."),
            C("end_date", DATE, "Last day."),
        ),
        key=("campaign_id",),
        partition="snapshot",
    ),
    RawTable(
        "ads",
        "daily_performance",
        "Spend, impressions and clicks per campaign and day.",
        (
            K("performance_id", STRING, "Row id."),
            C("campaign_id", STRING, "Campaign."),
            C("performance_date", DATE, "Day."),
            C("impressions", INT, "Impressions."),
            C("clicks", INT, "Clicks."),
            C("spend", FLOAT, "Spend in `currency`."),
            C("currency", STRING, "ISO currency."),
        ),
        key=("performance_id",),
    ),
    RawTable(
        "ads",
        "clicks",
        "Individual ad clicks with their click id (as gclid in the landing URL).",
        (
            K("click_id", STRING, "Click id."),
            C("campaign_id", STRING, "Campaign."),
            C("clicked_ts", STRING, "ISO-8601, UTC."),
            C("landing_url", STRING, "Landing URL with utm and gclid."),
        ),
        key=("click_id",),
    ),
    # --------------------------------------------------------- fulfilment
    RawTable(
        "fulfilment",
        "shipments",
        "Shipments of shop, phone and marketplace orders, and BOPIS pick-up parcels.",
        (
            K("shipment_id", STRING, "Shipment id."),
            C("order_ref", STRING, "Shop order id or marketplace order id."),
            C("carrier", STRING, "Carrier code (see seed carriers); 'pickup' for BOPIS."),
            C(
                "fulfilment_method",
                STRING,
                "ship_to_home, ship_from_store, bopis, marketplace_fulfilled.",
            ),
            C("origin_location_id", STRING, "Warehouse or store that shipped."),
            C("created_ts", STRING, "ISO-8601, UTC."),
            C("shipped_ts", STRING, "ISO-8601, UTC, null when not yet shipped."),
            C("promised_date", DATE, "Original promised delivery (or ready-for-pickup) date."),
            C("units_ordered", INT, "Units of the order in this shipment's scope."),
            C("units_shipped", INT, "Units actually shipped."),
        ),
        key=("shipment_id",),
    ),
    RawTable(
        "fulfilment",
        "tracking_events",
        "Carrier tracking events, including promise changes and deliveries.",
        (
            K("tracking_event_id", STRING, "Event id."),
            C("shipment_id", STRING, "Shipment."),
            C(
                "event_type",
                STRING,
                "in_transit, promise_updated, delivered, ready_for_pickup, picked_up.",
            ),
            C("event_ts", STRING, "ISO-8601, UTC."),
            C("new_promised_date", DATE, "The rescheduled promise on promise_updated events."),
            C("units_delivered", INT, "Units handed over on delivered/picked_up."),
        ),
        key=("tracking_event_id",),
    ),
    # ---------------------------------------------------------------- surveys
    RawTable(
        "surveys",
        "responses",
        "CSAT (1-5) and NPS (0-10) survey responses.",
        (
            K("response_id", STRING, "Response id."),
            C("survey_type", STRING, "csat or nps."),
            C("score", INT, "1-5 for csat, 0-10 for nps."),
            C("respondent_email", STRING, "Email as typed, if given."),
            C("customer_account_id", STRING, "Shop account, if known."),
            C("touchpoint_channel", STRING, "web, app, store, marketplace, phone, support."),
            C("touchpoint_ref", STRING, "Order, ticket or visit the survey is about."),
            C("journey_stage", STRING, "consideration, purchase, service, loyalty."),
            C("responded_ts", STRING, "ISO-8601, UTC."),
        ),
        key=("response_id",),
    ),
    # -------------------------------------------------------------------- ERP
    RawTable(
        "erp",
        "products",
        "Product master with cost, price, ABC class and supplier.",
        (
            K("sku", STRING, "SKU."),
            C("product_name", STRING, "Name."),
            C("category_id", STRING, "Category (see seed product_categories)."),
            C("abc_class", STRING, "A, B or C by revenue."),
            C("list_price_eur", FLOAT, "List price excl. VAT in EUR."),
            C("unit_cost_eur", FLOAT, "Landed unit cost in EUR."),
            C("supplier_id", STRING, "Supplier."),
        ),
        key=("sku",),
        partition="snapshot",
    ),
    RawTable(
        "erp",
        "supplier_lead_times",
        "Supplier replenishment lead times.",
        (
            K("supplier_id", STRING, "Supplier."),
            C("supplier_name", STRING, "Name."),
            C("lead_time_days", INT, "Order-to-receipt days."),
        ),
        key=("supplier_id",),
        partition="snapshot",
    ),
    RawTable(
        "erp",
        "stock_snapshots",
        "End-of-day stock per SKU and location as the ERP believes it.",
        (
            K("snapshot_id", STRING, "Row id."),
            C("snapshot_date", DATE, "Day (end of day)."),
            C("sku", STRING, "SKU."),
            C("location_id", STRING, "WH01 or a store id."),
            C("on_hand_units", INT, "Units on hand per the system."),
            C("reserved_units", INT, "Units reserved for open orders."),
        ),
        key=("snapshot_id",),
    ),
    RawTable(
        "erp",
        "receipts",
        "Goods received from suppliers.",
        (
            K("receipt_id", STRING, "Receipt id."),
            C("sku", STRING, "SKU."),
            C("location_id", STRING, "Receiving location."),
            C("received_ts", STRING, "ISO-8601, UTC."),
            C("quantity", INT, "Units received."),
        ),
        key=("receipt_id",),
    ),
    RawTable(
        "erp",
        "cycle_counts",
        "Physical cycle counts against the system quantity.",
        (
            K("cycle_count_id", STRING, "Count id."),
            C("sku", STRING, "SKU."),
            C("location_id", STRING, "Location."),
            C("counted_ts", STRING, "ISO-8601, UTC."),
            C("system_units", INT, "Units the system expected."),
            C("counted_units", INT, "Units counted."),
        ),
        key=("cycle_count_id",),
    ),
    # ---------------------------------------------------------------- loyalty
    RawTable(
        "loyalty",
        "members",
        "Loyalty programme members.",
        (
            K("member_id", STRING, "Member id."),
            C("card_number", STRING, "Loyalty card number."),
            C("email", STRING, "Email as typed."),
            C("phone", STRING, "Phone as typed."),
            C("enrolled_ts", STRING, "ISO-8601, UTC."),
            C("tier", STRING, "bronze, silver, gold."),
            C("home_store_id", STRING, "Store of enrolment."),
        ),
        key=("member_id",),
    ),
    RawTable(
        "loyalty",
        "points_ledger",
        "Points earned and redeemed.",
        (
            K("ledger_entry_id", STRING, "Entry id."),
            C("card_number", STRING, "Card."),
            C("order_ref", STRING, "Order that earned the points (any channel's id)."),
            C("order_channel", STRING, "web, app, store, marketplace, phone."),
            C("points", INT, "Points (+ earned, - redeemed)."),
            C("entry_ts", STRING, "ISO-8601, UTC."),
        ),
        key=("ledger_entry_id",),
    ),
)

SYSTEMS: tuple[str, ...] = tuple(dict.fromkeys(t.system for t in TABLES))


def table(system: str, name: str) -> RawTable:
    for t in TABLES:
        if t.system == system and t.name == name:
            return t
    raise KeyError(f"no raw table {system}.{name}")
