"""Looking for reporters' personal data where it must never be: other services' tables, logs.

A value is looked for as given, in lower case, without diacritics, URL-encoded and JSON-escaped
(phone numbers also as bare digits), in every text-like column of every table, found by
SQLAlchemy inspection, and in every log line.
"""

import json
import re
from urllib.parse import quote, quote_plus

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Interval,
    Numeric,
    Time,
    select,
    table,
)
from sqlalchemy import inspect as inspect_database
from sqlalchemy import text as sql_text

from services.common.db import make_engine
from services.common.text import fold

NOT_TEXT = (Boolean, Date, DateTime, Float, Integer, Interval, Numeric, Time)


def variants(value):
    """The forms a value may take in storage or logs, lower-cased for comparison."""
    forms = {value, fold(value), quote(value), quote_plus(value), quote(value, safe="@"),
             json.dumps(value)[1:-1]}
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 9 and not re.search(r"[^\d\s+().-]", value):
        forms |= {digits, digits[-9:]}  # a phone number however it is written
    return {form.lower() for form in forms if form}


def finder(values):
    """A function text -> the personal values (as given) found in it."""
    wanted = {value: variants(value) for value in values}

    def find(text):
        if not text:
            return []
        seen = {text.lower(), fold(text)}
        return [value for value, forms in wanted.items()
                if any(form in hay for form in forms for hay in seen)]

    return find


def text_columns(engine):
    """(table, column) of every column of every table that can hold text."""
    inspector = inspect_database(engine)
    for name in inspector.get_table_names():
        for column in inspector.get_columns(name):
            if not isinstance(column["type"], NOT_TEXT):
                yield name, column["name"]


def scan_database(url, find):
    """Every (table, column, value) of a database where a personal value appears."""
    engine = make_engine(url)
    hits = []
    try:
        columns = list(text_columns(engine))
        with engine.connect() as connection:
            for name, column in columns:
                query = select(sql_text(f'CAST("{column}" AS TEXT)')).select_from(table(name))
                for (cell,) in connection.execute(query):
                    hits += [(name, column, value) for value in find(cell)]
    finally:
        engine.dispose()
    return columns, hits
