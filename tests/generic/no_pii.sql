{#
    No raw PII in a mart: no column named like a personal identifier (email,
    phone, first_name, last_name, ... or ending in _email / _phone) and no string
    value shaped like an email address (LIKE '%_@_%._%'). The columns are read from
    the built relation, so every column the model will ever grow is scanned.
    Returns one row per finding: the column and, for values, one example.
#}
{% test no_pii(model, forbidden_names=none, forbidden_suffixes=none) %}

{%- set names = forbidden_names or [
    'email', 'email_address', 'phone', 'phone_number', 'mobile', 'first_name', 'last_name',
    'full_name', 'customer_name', 'card_fingerprint', 'card_number', 'recipient'
] -%}
{%- set suffixes = forbidden_suffixes or ['_email', '_phone', '_first_name', '_last_name'] -%}
{%- set columns = adapter.get_columns_in_relation(model) if execute else [] -%}

{%- set findings = [] -%}
{%- for column in columns -%}
    {%- set column_name = column.name | lower -%}
    {%- set ns = namespace(forbidden=column_name in names) -%}
    {%- for suffix in suffixes -%}
        {%- if column_name.endswith(suffix) -%}{%- set ns.forbidden = true -%}{%- endif -%}
    {%- endfor -%}
    {%- if ns.forbidden -%}
        {%- do findings.append(
            "select 'forbidden column name' as finding, '" ~ column_name ~ "' as column_name, "
            ~ "cast(null as " ~ dbt.type_string() ~ ") as example"
        ) -%}
    {%- endif -%}
    {%- if column.is_string() -%}
        {%- do findings.append(
            "select 'email-shaped value' as finding, '" ~ column_name ~ "' as column_name, "
            ~ "min(cast(" ~ column.name ~ " as " ~ dbt.type_string() ~ ")) as example "
            ~ "from " ~ model ~ " where " ~ column.name ~ " like '%_@_%._%' having count(*) > 0"
        ) -%}
    {%- endif -%}
{%- endfor -%}

{%- if findings -%}
{{ findings | join('\nunion all\n') }}
{%- else -%}
select
    cast(null as {{ dbt.type_string() }}) as finding,
    cast(null as {{ dbt.type_string() }}) as column_name,
    cast(null as {{ dbt.type_string() }}) as example
where 1 = 0
{%- endif %}

{% endtest %}
