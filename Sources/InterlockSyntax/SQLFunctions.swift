/// Functions a query may call, sorted by what a call can do.
///
/// A function the classifier does not know may be user-defined, and a user-defined function can do
/// anything its owner may: `CREATE FUNCTION f() … LANGUAGE plpython3u` followed by `SELECT f()`
/// runs code on the server. So a query is read-only only when every function it calls is known to
/// be free of side effects; the list below is the built-ins of PostgreSQL, MySQL and SQLite that
/// compute a value from their arguments or from the catalog and change nothing.
extension SQLStatement {
    public static let knownReadOnlyFunctions: Set<String> = [
        // Aggregates and window functions.
        "count", "sum", "avg", "min", "max", "array_agg", "string_agg", "group_concat", "json_agg", "jsonb_agg", "json_object_agg",
        "jsonb_object_agg", "json_arrayagg", "json_objectagg", "bool_and", "bool_or", "every", "bit_and", "bit_or", "bit_xor", "stddev",
        "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp", "percentile_cont", "percentile_disc", "mode", "corr",
        "covar_pop", "covar_samp", "regr_slope", "regr_intercept", "regr_count", "regr_r2", "any_value", "listagg", "total",
        "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value",
        "nth_value", "grouping",
        // Strings.
        "lower", "upper", "lcase", "ucase", "length", "len", "char_length", "character_length", "octet_length", "bit_length",
        "substr", "substring", "mid", "trim", "ltrim", "rtrim", "btrim", "replace", "concat", "concat_ws", "left", "right",
        "lpad", "rpad", "repeat", "reverse", "position", "strpos", "instr", "locate", "split_part", "format", "printf", "initcap",
        "translate", "ascii", "chr", "char", "unicode", "md5", "sha1", "sha2", "sha224", "sha256", "sha384", "sha512", "crc32",
        "encode", "decode", "to_hex", "hex", "unhex", "quote_ident", "quote_literal", "quote_nullable", "quote", "regexp_replace",
        "regexp_matches", "regexp_match", "regexp_split_to_table", "regexp_split_to_array", "regexp_like", "regexp_substr",
        "regexp_count", "regexp_instr", "starts_with", "normalize", "overlay", "soundex", "difference", "levenshtein",
        "string_to_array", "array_to_string", "string_to_table", "field", "find_in_set", "elt", "space", "bin", "oct", "conv",
        "glob", "like", "unistr", "to_ascii", "convert", "char_length", "inet_aton", "inet_ntoa", "uuid", "gen_random_uuid",
        "uuid_generate_v4", "random", "rand", "randomblob", "zeroblob", "typeof", "likely", "unlikely", "likelihood",
        // Numbers.
        "abs", "ceil", "ceiling", "floor", "round", "trunc", "truncate", "mod", "power", "pow", "sqrt", "cbrt", "exp", "ln",
        "log", "log10", "log2", "sign", "pi", "degrees", "radians", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "cot",
        "div", "width_bucket", "gcd", "lcm", "factorial", "scale", "greatest", "least", "to_number", "format_bytes",
        // Conditions and casts.
        "coalesce", "nullif", "ifnull", "isnull", "nvl", "if", "iif", "cast", "try_cast", "to_char", "to_date", "to_timestamp",
        "pg_typeof", "to_regclass", "to_regtype", "format_type",
        // Dates and times.
        "now", "date", "time", "datetime", "timestamp", "julianday", "strftime", "unixepoch", "timediff", "clock_timestamp",
        "statement_timestamp", "transaction_timestamp", "timeofday", "age", "date_part", "date_trunc", "extract", "justify_days",
        "justify_hours", "justify_interval", "make_date", "make_time", "make_timestamp", "make_timestamptz", "make_interval",
        "to_days", "from_days", "datediff", "date_add", "date_sub", "adddate", "subdate", "timestampdiff", "timestampadd",
        "dayofweek", "dayofmonth", "dayofyear", "day", "month", "year", "hour", "minute", "second", "week", "weekday", "quarter",
        "last_day", "monthname", "dayname", "unix_timestamp", "from_unixtime", "curdate", "curtime", "sysdate", "utc_timestamp",
        "utc_date", "str_to_date", "date_format", "time_format", "makedate", "maketime", "period_add", "period_diff", "isfinite",
        "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp",
        // JSON.
        "json", "jsonb", "json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array", "json_object",
        "json_array", "to_json", "to_jsonb", "row_to_json", "array_to_json", "json_extract", "json_extract_path",
        "json_extract_path_text", "jsonb_extract_path", "jsonb_extract_path_text", "json_array_length", "jsonb_array_length",
        "json_each", "jsonb_each", "json_each_text", "jsonb_each_text", "json_array_elements", "jsonb_array_elements",
        "json_array_elements_text", "jsonb_array_elements_text", "json_object_keys", "jsonb_object_keys", "json_typeof",
        "jsonb_typeof", "jsonb_pretty", "jsonb_set", "jsonb_insert", "jsonb_strip_nulls", "json_strip_nulls", "jsonb_path_query",
        "jsonb_path_query_array", "jsonb_path_query_first", "jsonb_path_exists", "jsonb_path_match", "json_unquote",
        "json_contains", "json_keys", "json_length", "json_valid", "json_type", "json_set", "json_insert", "json_replace",
        "json_remove", "json_group_array", "json_group_object", "json_tree", "json_quote", "json_value", "json_query",
        "json_exists", "json_table", "json_patch", "json_populate_record", "jsonb_populate_record", "json_to_record",
        "jsonb_to_record", "json_to_recordset", "jsonb_to_recordset", "json_search", "json_merge_patch", "json_pretty",
        // Arrays, ranges and set-returning built-ins.
        "array_length", "array_lower", "array_upper", "array_dims", "array_append", "array_prepend", "array_cat", "array_remove",
        "array_replace", "array_position", "array_positions", "cardinality", "unnest", "generate_series", "generate_subscripts",
        "array_fill", "array_ndims", "isempty", "lower_inc", "upper_inc", "range_merge",
        // The session and the catalog.
        "version", "current_database", "current_schema", "current_schemas", "current_user", "session_user", "current_role",
        "current_setting", "database", "schema", "user", "system_user", "connection_id", "last_insert_id", "found_rows",
        "row_count", "sqlite_version", "changes", "total_changes", "last_insert_rowid", "pg_backend_pid", "pg_postmaster_start_time",
        "pg_is_in_recovery", "pg_current_wal_lsn", "pg_last_wal_receive_lsn", "pg_last_wal_replay_lsn", "pg_wal_lsn_diff",
        "pg_size_pretty", "pg_relation_size", "pg_total_relation_size", "pg_database_size", "pg_table_size", "pg_indexes_size",
        "pg_column_size", "pg_get_viewdef", "pg_get_functiondef", "pg_get_indexdef", "pg_get_constraintdef", "pg_get_triggerdef",
        "pg_get_expr", "pg_get_userbyid", "pg_get_serial_sequence", "pg_get_keywords", "pg_table_is_visible", "pg_blocking_pids",
        "pg_encoding_to_char", "has_table_privilege", "has_schema_privilege", "has_database_privilege", "has_column_privilege",
        "has_function_privilege", "pg_has_role", "obj_description", "col_description", "shobj_description", "inet_client_addr",
        "inet_server_addr", "txid_current", "pg_current_xact_id", "pg_sleep", "sleep",
    ]

    enum WordBeforeParenthesis { case notACall, readOnly, sideEffect }

    /// What each word that is not user-defined means before `(`, in one table: a query's scan
    /// asks once per call.
    static let wordsBeforeParentheses: [String: WordBeforeParenthesis] = {
        var table: [String: WordBeforeParenthesis] = [:]
        for word in knownReadOnlyFunctions { table[word] = .readOnly }
        for word in wordsBeforeParenthesesThatAreNotCalls { table[word] = .notACall }
        for word in sideEffectFunctions { table[word] = .sideEffect }
        return table
    }()

    /// Words that stand before `(` without naming a function: `IN (…)`, `OVER (…)`, `AS (…)`.
    static let wordsBeforeParenthesesThatAreNotCalls: Set<String> = [
        "in", "exists", "any", "all", "some", "values", "row", "array", "over", "filter", "within", "group", "as", "using", "on",
        "and", "or", "not", "where", "select", "when", "then", "else", "from", "join", "lateral", "by", "rollup", "cube", "sets",
        "partition", "window", "distinct", "returning", "set", "limit", "offset", "case", "is", "between", "like", "ilike",
        "similar", "escape", "with", "recursive", "materialized", "union", "intersect", "except", "having", "order", "interval",
        "collate", "tablesample", "bernoulli", "system", "repeatable", "only", "key", "index", "use", "force", "ignore", "match",
        "against", "rows", "range", "groups", "preceding", "following", "for", "of", "update", "into", "to", "zone", "table",
        "return", "do", "conflict", "primary", "unique", "references", "check", "default", "constraint", "foreign",
        // Type names with a precision: `varchar(10)`, `numeric(10, 2)`.
        "varchar", "numeric", "decimal", "float", "double", "int", "integer", "bigint", "smallint", "bit", "varbit", "character",
        "nchar", "nvarchar", "binary", "varbinary", "real", "timestamptz", "timetz",
    ]
}
