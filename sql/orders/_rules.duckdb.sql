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

{#
  A valid order_timestamp text as a UTC TIMESTAMP: with an offset (Z or +-HH:MM, i.e. a last character Z or a
  sign six from the end) through TIMESTAMPTZ, which applies it; without one straight to TIMESTAMP (naive means
  UTC), which is 8x faster and the common case.
#}
{% macro utc_timestamp(text) -%}
CASE
  WHEN {{ text }}[-1:] = 'Z' OR {{ text }}[-6:-6] = '+' OR {{ text }}[-6:-6] = '-'
    THEN CAST(TRY_CAST({{ text }} AS TIMESTAMPTZ) AS TIMESTAMP)
  ELSE TRY_CAST({{ text }} AS TIMESTAMP)
END
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

{#
  TRUE when a JSON array text (as DuckDB writes it back: minified, keys in their order) holds at least one item
  and every item is an object with a non-empty string product_id, an integer quantity >= 1 and a number
  unit_price >= 0. The common shape (upstream's) is accepted by one regular expression, which only matches
  items that pass every rule; anything else (other key order, extra keys, 2.0, exponents, escapes) is checked
  item by item. A CASE, not an OR: DuckDB evaluates both sides of an OR for every row of a projection, and only
  the branches a row takes of a CASE.
#}
{% macro items_valid(items_json) -%}
(CASE WHEN regexp_full_match({{ items_json }}, '\[\{"product_id":"[^"\\]+","quantity":[1-9][0-9]{0,17},"unit_price":(0|[1-9][0-9]{0,19})(\.[0-9]+)?\}(,\{"product_id":"[^"\\]+","quantity":[1-9][0-9]{0,17},"unit_price":(0|[1-9][0-9]{0,19})(\.[0-9]+)?\})*\]') THEN true
    ELSE left({{ items_json }}, 1) = '[' AND coalesce(list_bool_and(list_transform(
      json_transform({{ items_json }}, '[{"product_id":"JSON","quantity":"JSON","unit_price":"JSON"}]'),
      -- coalesce inside: list_bool_and, like bool_and, skips NULLs (an item without a field).
      lambda e: coalesce(
        left(CAST(e.product_id AS VARCHAR), 1) = '"' AND CAST(e.product_id AS VARCHAR) <> '""'
        AND TRY_CAST(CAST(e.quantity AS VARCHAR) AS DOUBLE) >= 1
        AND TRY_CAST(CAST(e.quantity AS VARCHAR) AS DOUBLE) = floor(TRY_CAST(CAST(e.quantity AS VARCHAR) AS DOUBLE))
        AND TRY_CAST(CAST(e.quantity AS VARCHAR) AS DOUBLE) < 9.2e18
        AND {{ decimal_of_text('CAST(e.unit_price AS VARCHAR)') }} >= 0, false))), false)
  END)
{%- endmacro %}
