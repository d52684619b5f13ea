{#- Email as the identity graph compares it: trimmed, lower-case; empty text is null. -#}
{% macro normalize_email(expression) -%}
    nullif(lower(trim({{ expression }})), '')
{%- endmacro %}


{#- Only the digits of a text (engines differ in how a regex replaces every match). -#}
{% macro digits_only(expression) %}
    {{ return(adapter.dispatch('digits_only', 'omnichannel')(expression)) }}
{% endmacro %}

{% macro duckdb__digits_only(expression) -%}
    regexp_replace({{ expression }}, '[^0-9]', '', 'g')
{%- endmacro %}

{% macro spark__digits_only(expression) -%}
    regexp_replace({{ expression }}, '[^0-9]', '')
{%- endmacro %}


{#-
    A phone number in any written form to E.164 ('+4930123456'):
    '+49 30 123', '+49 (0)30 123' and '0049 30 123' keep their country code;
    a national number with a trunk 0 ('030 123', '(030) 123-456') gets the
    dialling code of `country_code_expression`, or of var('default_phone_country').
    Fewer than 6 digits gives null.
-#}
{% macro normalize_phone(expression, country_code_expression=none) -%}
    {%- set country = country_code_expression or ("'" ~ var('default_phone_country') ~ "'") -%}
    {%- set cleaned = "replace(trim(" ~ expression ~ "), '(0)', '')" -%}
    {%- set digits = omnichannel.digits_only(cleaned) -%}
    case
        when length({{ digits }}) < 6 then null
        when {{ cleaned }} like '+%' then {{ dbt.concat(["'+'", digits]) }}
        when {{ digits }} like '00%' then {{ dbt.concat(["'+'", "substr(" ~ digits ~ ", 3)"]) }}
        when {{ digits }} like '0%' then {{ dbt.concat(["'+'", omnichannel.dialling_code(country), "substr(" ~ digits ~ ", 2)"]) }}
        else {{ dbt.concat(["'+'", omnichannel.dialling_code(country), digits]) }}
    end
{%- endmacro %}


{#- The international dialling code of an ISO country code (the countries we sell in). -#}
{% macro dialling_code(country_code_expression) -%}
    case upper({{ country_code_expression }})
        when 'DE' then '49'
        when 'FR' then '33'
        when 'GB' then '44'
        when 'SE' then '46'
        when 'NL' then '31'
        when 'AT' then '43'
        when 'ES' then '34'
        when 'IT' then '39'
    end
{%- endmacro %}


{#- Salted hash of a personal identifier; null stays null. The salt comes from OMNICHANNEL_PII_SALT. -#}
{% macro hash_pii(expression) -%}
    {%- set salt = omnichannel.pii_salt() -%}
    case when {{ expression }} is null then null else {{ dbt.hash(dbt.concat(["'" ~ salt ~ "|'", expression])) }} end
{%- endmacro %}


{#-
    The salt of the PII hashes: OMNICHANNEL_PII_SALT. Only the targets in
    var('pii_demo_salt_targets') (the demo, pytest and CI) may fall back to the
    documented demo salt; any other target (prod) stops with an error naming
    the variable, so that real data is never hashed with a public salt.
-#}
{% macro pii_salt() -%}
    {%- set salt = env_var('OMNICHANNEL_PII_SALT', '') -%}
    {%- if salt == '' and target.name in var('pii_demo_salt_targets') -%}
        {%- set salt = 'omnichannel-demo-salt' -%}
    {%- elif salt == '' -%}
        {{ exceptions.raise_compiler_error("OMNICHANNEL_PII_SALT is not set: target '" ~ target.name ~ "' must hash PII with its own secret salt (the demo salt is only for " ~ var('pii_demo_salt_targets') | join(', ') ~ "). Export OMNICHANNEL_PII_SALT.") }}
    {%- endif -%}
    {{ return(salt) }}
{%- endmacro %}


{#-
    A GA client id as a web form stored it: the client id itself ('123.456', the
    browser's user_pseudo_id) or the raw `_ga` cookie ('GA1.1.123.456': cookie version,
    domain depth, then the client id). Trimmed; empty text is null.
-#}
{% macro normalize_ga_client_id(expression) -%}
    {%- set trimmed = "trim(" ~ expression ~ ")" -%}
    case
        when upper({{ trimmed }}) like 'GA1.%'
            then nullif(substr({{ trimmed }}, length({{ dbt.split_part(trimmed, "'.'", 1) }}) + length({{ dbt.split_part(trimmed, "'.'", 2) }}) + 3), '')
        else nullif({{ trimmed }}, '')
    end
{%- endmacro %}
