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
    A select of the rows of `verdicts` (a relation with the quarantine verdict columns
    `quarantine_reason`, `extract_date`, `raw_row_id`) that staging keeps among those
    passing `row_filter`: not quarantined, and the first by `duplicate_rank` among the
    rows read with the same key, with the `duplicate_rank` column. Portable: a ranked
    subquery, no QUALIFY.
    `rank_on_keys`: the rank is worked out on a narrow projection (the raw row id and the
    ranking columns: a second scan of the verdicts that reads those columns only) and
    joined back by raw_row_id. For a wide table (web and app events, 20+ columns) that
    costs a third less CPU than sorting the wide rows in the window; for a narrow one the
    second scan and the join cost what they save (bench/notes.md, stop 18).
#}
{% macro latest_unquarantined_rows(verdicts, key_columns, row_filter='1 = 1', rank_on_keys=false) -%}
    {%- if rank_on_keys %}
    select
        read_rows.*,
        ranked_keys.duplicate_rank
    from (

        select * from {{ verdicts }}
        where {{ row_filter }}

    ) as read_rows
    inner join (

        select
            raw_row_id,
            {{ duplicate_rank(key_columns) }} as duplicate_rank
        from {{ verdicts }}
        where {{ row_filter }}

    ) as ranked_keys
        on read_rows.raw_row_id = ranked_keys.raw_row_id
    where
        read_rows.quarantine_reason is null
        and ranked_keys.duplicate_rank = 1
    {%- else %}
    select * from (

        select
            *,
            {{ duplicate_rank(key_columns) }} as duplicate_rank
        from {{ verdicts }}
        where {{ row_filter }}

    ) as ranked
    where
        quarantine_reason is null
        and duplicate_rank = 1
    {%- endif %}
{%- endmacro %}
