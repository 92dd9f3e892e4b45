#!/usr/bin/env python3
"""Records what PostgreSQL's own parser (libpg_query, through pglast) makes of every PostgreSQL
case in the SQL corpus: how many statements, where each starts, and which node it is.

The Swift test `SQLCorpusTests.agreesWithPostgres` checks Interlock's statement splitting and
statement kinds against this record. CI regenerates it and fails if it differs from the committed
copy, so the record is always PostgreSQL's real answer.

    python3 scripts/sql_differential.py > Tests/InterlockClassifiersTests/Corpus/sql-postgres.jsonl
"""
import json
import sys
from pathlib import Path

import pglast

corpus = Path(__file__).resolve().parent.parent / "Tests/InterlockClassifiersTests/Corpus/sql.jsonl"
for number, line in enumerate(corpus.read_text(encoding="utf-8").splitlines(), start=1):
    case = json.loads(line)
    if case.get("dialect") != "postgresql":
        continue
    sql = case["sql"]
    try:
        statements = pglast.parse_sql(sql)
    except pglast.parser.ParseError as error:
        print(json.dumps({"line": number, "error": str(error)}))
        continue
    # stmt_location is the offset of the statement's first token, after whitespace and comments.
    record = [{"node": type(raw.stmt).__name__, "location": raw.stmt_location} for raw in statements]
    print(json.dumps({"line": number, "statements": record}))
sys.stdout.flush()
