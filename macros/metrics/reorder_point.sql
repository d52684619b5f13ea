{#-
    Reorder point (metrics.md, Inventory) = d x L + z x sigma_d x sqrt(L): d and sigma_d the
    mean and standard deviation of daily demand, L the supplier lead time in days, z the
    service-level factor (var reorder_point_z, 1.65 for 95%). Null when an input is null.
-#}
{% macro reorder_point(mean_daily_demand, stddev_daily_demand, lead_time_days) -%}
    (
        cast({{ mean_daily_demand }} as double) * cast({{ lead_time_days }} as double)
        + {{ var('reorder_point_z', 1.65) }} * cast({{ stddev_daily_demand }} as double)
        * sqrt(cast({{ lead_time_days }} as double))
    )
{%- endmacro %}
