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
    ranking columns: a second scan of the verdicts that reads those columns only); the
    raw rows outranked by another of their key (rank > 1: re-sent rows, about 1%) are
    removed from the wide rows by an anti-join on raw_row_id (never null), so the join's
    hash table holds the few outranked ids, not one per row. For a wide table (web and app
    events, 20+ columns) that costs a third less CPU than sorting the wide rows in the
    window; for a narrow one the second scan and the join cost what they save
    (bench/notes.md, stop 18 and stop 20).
#}
{% macro latest_unquarantined_rows(verdicts, key_columns, row_filter='1 = 1', rank_on_keys=false) -%}
    {%- if rank_on_keys %}
    select
        read_rows.*,
        cast(1 as bigint) as duplicate_rank
    from (

        select * from {{ verdicts }}
        where {{ row_filter }}

    ) as read_rows
    left join (

        select raw_row_id
        from (

            select
                raw_row_id,
                {{ duplicate_rank(key_columns) }} as duplicate_rank
            from {{ verdicts }}
            where {{ row_filter }}

        ) as ranked_keys
        where duplicate_rank > 1

    ) as outranked
        on read_rows.raw_row_id = outranked.raw_row_id
    where
        read_rows.quarantine_reason is null
        and outranked.raw_row_id is null
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
