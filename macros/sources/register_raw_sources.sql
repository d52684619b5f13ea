{#
    Registers every dbt source of this project over the raw extracts, so that
    models read `{{ source(...) }}` and never a file path.

    Location of a source table: <raw_root>/<source_name>/<table identifier>/,
    hive-partitioned by `date=YYYY-MM-DD` for daily extracts or a single
    `snapshot.parquet` (meta `raw_partition: snapshot`). The engine-specific
    statement lives in the dispatched `register_raw_table` alone.

    Every registered table exposes, besides the extract's own columns, `date`
    (the partition, daily extracts only), `filename` and `file_row_number`,
    which together locate a raw row for the quarantine.
#}
{% macro register_raw_sources() %}
    {% if execute %}
        {% set schemas = [] %}
        {% for node in graph.sources.values() | sort(attribute='unique_id') %}
            {% if node.package_name == project_name %}
                {% if node.schema not in schemas %}
                    {% do schemas.append(node.schema) %}
                    {% do run_query(omnichannel.create_raw_schema(node.schema)) %}
                {% endif %}
                {% set location = var('raw_root') ~ '/' ~ node.source_name ~ '/' ~ node.identifier %}
                {% set partitioned = (node.meta.get('raw_partition', 'daily') == 'daily') %}
                {% do omnichannel.register_raw_table(node.schema, node.identifier, location, partitioned) %}
            {% endif %}
        {% endfor %}
    {% endif %}
    select 1
{% endmacro %}


{% macro create_raw_schema(schema_name) %}
    {{ return(adapter.dispatch('create_raw_schema', 'omnichannel')(schema_name)) }}
{% endmacro %}

{% macro default__create_raw_schema(schema_name) %}
    create schema if not exists {{ schema_name }}
{% endmacro %}


{% macro register_raw_table(schema_name, table_name, location, partitioned) %}
    {{ return(adapter.dispatch('register_raw_table', 'omnichannel')(schema_name, table_name, location, partitioned)) }}
{% endmacro %}

{% macro duckdb__register_raw_table(schema_name, table_name, location, partitioned) %}
    {% if partitioned %}
        {% set reader %}read_parquet('{{ location }}/date=*/*.parquet', hive_partitioning = true, hive_types = {'date': date}, union_by_name = true, filename = true, file_row_number = true){% endset %}
    {% else %}
        {% set reader %}read_parquet('{{ location }}/snapshot.parquet', filename = true, file_row_number = true){% endset %}
    {% endif %}
    {% do run_query('create or replace view ' ~ schema_name ~ '.' ~ table_name ~ ' as select * from ' ~ reader) %}
{% endmacro %}

{% macro spark__register_raw_table(schema_name, table_name, location, partitioned) %}
    {% do run_query('drop table if exists ' ~ schema_name ~ '.' ~ table_name) %}
    {% if partitioned %}
        {% do run_query('create table ' ~ schema_name ~ '.' ~ table_name ~ ' using parquet location \'' ~ location ~ '\'') %}
        {% do run_query('msck repair table ' ~ schema_name ~ '.' ~ table_name) %}
    {% else %}
        {% do run_query('create table ' ~ schema_name ~ '.' ~ table_name ~ ' using parquet location \'' ~ location ~ '/snapshot.parquet\'') %}
    {% endif %}
{% endmacro %}
