{#-
    GA4 fills source and medium from the referrer when a landing URL has no
    UTM parameters: a search engine is organic search, a social network
    organic social, any other outside site a referral; the shop's own pages
    (var('site_hosts')) and no referrer at all leave them empty (Direct).
-#}
{% macro referrer_host(referrer_expression) -%}
    nullif({{ dbt.split_part(dbt.split_part(referrer_expression, "'://'", 2), "'/'", 1) }}, '')
{%- endmacro %}

{% macro referrer_source(referrer_expression) -%}
    case
        when {{ referrer_expression }} is null then null
        {%- for host in var('site_hosts') %}
        when {{ referrer_host(referrer_expression) }} = '{{ host }}' then null
        {%- endfor %}
        when {{ referrer_host(referrer_expression) }} like '%google.%' then 'google'
        when {{ referrer_host(referrer_expression) }} like '%bing.%' then 'bing'
        when {{ referrer_host(referrer_expression) }} like '%instagram.%' then 'instagram'
        when {{ referrer_host(referrer_expression) }} like '%facebook.%' then 'facebook'
        else {{ referrer_host(referrer_expression) }}
    end
{%- endmacro %}

{% macro referrer_medium(referrer_expression) -%}
    case
        when {{ referrer_expression }} is null then null
        {%- for host in var('site_hosts') %}
        when {{ referrer_host(referrer_expression) }} = '{{ host }}' then null
        {%- endfor %}
        when {{ referrer_host(referrer_expression) }} like '%google.%' or {{ referrer_host(referrer_expression) }} like '%bing.%' then 'organic'
        when {{ referrer_host(referrer_expression) }} like '%instagram.%' or {{ referrer_host(referrer_expression) }} like '%facebook.%' then 'social'
        else 'referral'
    end
{%- endmacro %}


{#- Crawlers and headless browsers, by user agent (GA4 drops known bots; our export does not). -#}
{% macro is_bot_user_agent(user_agent_expression) -%}
    coalesce(
        lower({{ user_agent_expression }}) like '%bot%'
        or lower({{ user_agent_expression }}) like '%crawl%'
        or lower({{ user_agent_expression }}) like '%spider%'
        or lower({{ user_agent_expression }}) like '%headless%',
        false
    )
{%- endmacro %}
