{#
    Nothing is dropped in silence: the rows of a raw source equal the rows the
    staging model kept, plus the duplicates it removed, plus the rows its
    quarantine holds. Duplicates removed = rows of the checks model with
    duplicate_rank > 1 that are not in the quarantine.
    Fails with one row showing the four counts when they do not add up.
#}
{% test rows_conserved(model, source_relation, checks_model, quarantine_model) %}

with

source_rows as (
    select count(*) as row_count from {{ source_relation }}
),

kept_rows as (
    select count(*) as row_count from {{ model }}
),

quarantined_rows as (
    select count(*) as row_count from {{ quarantine_model }}
),

duplicate_rows as (
    select count(*) as row_count
    from {{ checks_model }} as checks
    where checks.duplicate_rank > 1
        and not exists (
            select 1 from {{ quarantine_model }} as quarantine
            where quarantine.raw_row_id = checks.raw_row_id
        )
),

balance as (
    select
        source_rows.row_count as rows_in,
        kept_rows.row_count as rows_kept,
        duplicate_rows.row_count as rows_deduplicated,
        quarantined_rows.row_count as rows_quarantined
    from source_rows
    cross join kept_rows
    cross join duplicate_rows
    cross join quarantined_rows
)

select * from balance
where rows_in <> rows_kept + rows_deduplicated + rows_quarantined

{% endtest %}
