{#
  DuckDB building blocks of the order rules (DESIGN.md, The data), shared by stage_orders and quarantine_lines
  so that both read a line the same way. Imported with {% import %}; renders nothing by itself.
#}

{#
  TRUE when `line` is a JSON text JSON.parse would accept and whose bytes were UTF-8. DuckDB's reader also
  accepts NaN/Infinity (any case) and trailing commas, which JSON is not: the three cheap scans (each starts at
  one literal byte) find the lines that may contain them, and only those pay for the exact scan that skips
  string literals. U+FFFD is how the loader marks bytes that were not UTF-8.
#}
{% macro strict_json(line) -%}
(json_valid({{ line }})
    AND NOT contains({{ line }}, chr(65533))
    AND NOT (
      CASE
        WHEN regexp_matches({{ line }}, ',[ \t\r]*([\]}]|-?([nN][aA]|[iI]))')
          OR regexp_matches({{ line }}, ':[ \t\r]*-?([nN][aA]|[iI])')
          OR regexp_matches({{ line }}, '\[[ \t\r]*-?([nN][aA]|[iI])')
        THEN regexp_matches({{ line }}, '^([^"]|"([^"\\]|\\.)*")*?([iIN]|n[aA]|,[ \t\r]*[\]}])')
        ELSE false
      END))
{%- endmacro %}

{# The order_timestamp form of the contract, with the clock fields in range (the date is checked by the cast). #}
{% macro timestamp_form() -%}
'[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?'
{%- endmacro %}

{# A valid order_timestamp text as a UTC TIMESTAMP (the session runs in UTC, so a naive value reads as UTC). #}
{% macro utc_timestamp(text) -%}
CAST(TRY_CAST({{ text }} AS TIMESTAMPTZ) AS TIMESTAMP)
{%- endmacro %}

{# The value of a JSON text that holds a string, else NULL (cheap when the string has no escapes). #}
{% macro json_string(json) -%}
CASE WHEN left({{ json }}, 1) = '"' THEN CASE WHEN contains({{ json }}, '\') THEN {{ json }} ->> '$' ELSE {{ json }}[2:-2] END END
{%- endmacro %}

{# The JSON number kinds json_type reports. #}
{% macro number_types() -%}
('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE')
{%- endmacro %}

{#
  The exact DECIMAL(38,9) a number's text spells, NULL when the text is not a number (a JSON string "12" is
  not). Parsing into DECIMAL(18,9) (a 64-bit integer) is ~100x faster in DuckDB than into DECIMAL(38,9); the
  wide parse only runs for the values the narrow one cannot hold (COALESCE is lazy).
#}
{% macro decimal_of_text(text) -%}
CAST(COALESCE(TRY_CAST({{ text }} AS DECIMAL(18, 9)), TRY_CAST({{ text }} AS DECIMAL(38, 9))) AS DECIMAL(38, 9))
{%- endmacro %}
