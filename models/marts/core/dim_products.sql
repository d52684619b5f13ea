-- One row per product of the ERP master, with its category and department, ABC class and
-- the cycle-count tolerance the class allows, list price and landed cost, and supplier
-- with replenishment lead time.

with

products as (
    select sku, product_name, category_id, abc_class, list_price_eur, unit_cost_eur, supplier_id
    from {{ ref('stg_erp__products') }}
),

suppliers as (
    select supplier_id, supplier_name, lead_time_days from {{ ref('stg_erp__supplier_lead_times') }}
),

categories as (
    select category_id, category_name, department from {{ ref('product_categories') }}
),

abc_classes as (
    select abc_class, count_tolerance_pct from {{ ref('abc_classes') }}
)

select
    products.sku,
    products.product_name,
    products.category_id,
    categories.category_name,
    categories.department,
    products.abc_class,
    cast(abc_classes.count_tolerance_pct as double) as count_tolerance_pct,
    cast(products.list_price_eur as decimal(18, 2)) as list_price_amount_eur,
    cast(products.unit_cost_eur as decimal(18, 2)) as unit_cost_amount_eur,
    products.supplier_id,
    suppliers.supplier_name,
    cast(suppliers.lead_time_days as integer) as supplier_lead_time_days
from products
left join categories
    on products.category_id = categories.category_id
left join abc_classes
    on products.abc_class = abc_classes.abc_class
left join suppliers
    on products.supplier_id = suppliers.supplier_id
