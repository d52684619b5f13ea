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

    A run with a selection registers only the sources its selected nodes
    read (registering costs about a second per table on Spark, whose
    catalog starts empty in every run); a run of everything registers all.
#}
{% macro register_raw_sources() %}
    {% if execute %}
        {% set needed = omnichannel.raw_sources_read_by_selection() %}
        {% set schemas = [] %}
        {% for node in graph.sources.values() | sort(attribute='unique_id') %}
            {% if node.package_name == project_name and (needed is none or node.unique_id in needed) %}
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


{#- Source ids the selected nodes read directly; none (= every source) when a selected
    resource is not a node of the graph (a unit test, a source) or nothing was selected. -#}
{% macro raw_sources_read_by_selection() %}
    {% if selected_resources is not defined or not selected_resources %}
        {{ return(none) }}
    {% endif %}
    {% set needed = [] %}
    {% for unique_id in selected_resources %}
        {% if unique_id not in graph.nodes %}
            {{ return(none) }}
        {% endif %}
        {% do needed.extend(graph.nodes[unique_id].depends_on.nodes) %}
    {% endfor %}
    {{ return(needed) }}
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

{#
    Spark: an external Parquet table over the folder (partition column `date`
    inferred from the `date=YYYY-MM-DD` folders and registered with
    `msck repair table`), and the source itself a view over it that adds
    `filename` and `file_row_number` from Spark's hidden `_metadata` column.
    `filename` is rebuilt as DuckDB spells it (`<location>/date=.../<file>`), so
    `raw_row_id` and every tie-break on it are the same on both engines.
    A relative raw root is made absolute against the driver's working
    directory (Spark would resolve it against the warehouse directory).
#}
{% macro spark__register_raw_table(schema_name, table_name, location, partitioned) %}
    {% set absolute_location = location %}
    {% if not (location.startswith('/') or '://' in location) %}
        {% set working_directory = run_query("select reflect('java.lang.System', 'getProperty', 'user.dir')").columns[0].values()[0] %}
        {% set absolute_location = working_directory ~ '/' ~ location %}
    {% endif %}
    {% set files_table = schema_name ~ '.' ~ table_name ~ '__files' %}
    {% do run_query('drop view if exists ' ~ schema_name ~ '.' ~ table_name) %}
    {% do run_query('drop table if exists ' ~ files_table) %}
    {% if partitioned %}
        {% do run_query("create table " ~ files_table ~ " using parquet location '" ~ absolute_location ~ "'") %}
        {% do run_query('msck repair table ' ~ files_table) %}
        {% set filename = "concat('" ~ location ~ "/', regexp_extract(_metadata.file_path, '(date=[^/]+/[^/]+)$', 1))" %}
    {% else %}
        {% do run_query("create table " ~ files_table ~ " using parquet location '" ~ absolute_location ~ "/snapshot.parquet'") %}
        {% set filename = "'" ~ location ~ "/snapshot.parquet'" %}
    {% endif %}
    {% do run_query(
        'create view ' ~ schema_name ~ '.' ~ table_name ~ ' as select *, '
        ~ filename ~ ' as filename, _metadata.row_index as file_row_number from ' ~ files_table
    ) %}
{% endmacro %}
