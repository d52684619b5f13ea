{#
    The duplicate rank of a raw row among the rows of its key: 1 for the row of the
    latest extract, ties broken by the first raw row (nulls last both ways, spelled
    out for Spark). The `_quarantine_checks` views expose it; the incremental staging
    models keep rank 1 through `latest_unquarantined_rows`.
#}
{% macro duplicate_rank(key_columns) -%}
    row_number() over (
        partition by {{ key_columns }}
        order by extract_date desc nulls last, raw_row_id asc nulls last
    )
{%- endmacro %}


{#
    A select of the rows of `relation` (a CTE or relation with the quarantine verdict
    columns `quarantine_reason`, `extract_date`, `raw_row_id`) that staging keeps: not
    quarantined, and the first by `duplicate_rank` among the rows read with the same
    key, with the `duplicate_rank` column. Portable: a ranked subquery, no QUALIFY.
#}
{% macro latest_unquarantined_rows(relation, key_columns) -%}
    select * from (

        select
            *,
            {{ duplicate_rank(key_columns) }} as duplicate_rank
        from {{ relation }}

    ) as ranked
    where
        quarantine_reason is null
        and duplicate_rank = 1
{%- endmacro %}
