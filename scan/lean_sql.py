"""SQLAlchemy statements run straight on a pooled DBAPI connection, for the hot paths.

Reading one scan by its token through a SQLAlchemy Connection cost 0.13 ms (checkout,
execution context, result object, reset), of which SQLite itself needed 0.009 ms; storing a
step's answers cost 0.18 ms, of which SQLite needed 0.06 ms. The journey's pages and the API
do little else, so a LeanConnection runs the same statements, compiled once per dialect, on
the pool's DBAPI connection, and converts values with SQLAlchemy's own type processors: a row
holds what a Core execute returns, and what is written is what Core would write.

What it leaves out, on purpose: Python-side column defaults are not filled in (every bound
value must be passed, or the statement fails loudly), and there are no events or ORM. Errors
are raised as SQLAlchemy's exceptions (OperationalError gives the Dutch 503 page), and a lost
connection empties the pool, as SQLAlchemy itself does after a database restart.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import JSON, Connection, Engine
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable


@dataclass
class _Compiled:
    sql: str
    #: Bind names in the order of the placeholders (positional paramstyles), else all names.
    names: tuple[str, ...]
    positional: bool
    binders: dict[str, Callable[[Any], Any]]
    #: Values the statement itself holds (literal(1), where(column == 5)).
    fixed: dict[str, Any]
    #: The statement's result columns (a SELECT's, or an INSERT's RETURNING), for decoding.
    columns: tuple
    row: type | None
    #: Filled at the first execution, from the cursor's description.
    decoders: list[tuple[int, Callable[[Any], Any]]] | None = None


_compiled: WeakKeyDictionary[Executable, dict[str, _Compiled]] = WeakKeyDictionary()


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    # get() first: setdefault() would make a weak reference and a dict on every call.
    by_dialect = _compiled.get(statement)
    if by_dialect is None:
        by_dialect = _compiled.setdefault(statement, {})
    found = by_dialect.get(dialect.name)
    if found is None:
        compiled = statement.compile(dialect=dialect)
        binders = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                binders[name] = process
        names = tuple(compiled.positiontup or ()) if dialect.positional else tuple(compiled.binds)
        # Column defaults that Core would compute per execution are not filled in: required.
        defaults = {c.key for c in (*compiled.insert_prefetch, *compiled.update_prefetch)}
        fixed = {
            name: bind.effective_value
            for name, bind in compiled.binds.items()
            if not bind.required and name not in defaults
        }
        columns = tuple(getattr(statement, "exported_columns", ()))
        row = namedtuple("Row", [column.key for column in columns]) if columns else None
        found = _Compiled(compiled.string, names, dialect.positional, binders, fixed, columns, row)
        by_dialect[dialect.name] = found
    return found


def _sqlite_json(loads: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """SQLAlchemy's JSON decoder for SQLite in one function instead of two nested ones."""

    def decode(value: Any) -> Any:
        # A JSON column has NUMERIC affinity in SQLite: a bare number comes back as a number.
        if value is None or isinstance(value, int | float):
            return value
        return loads(value)

    return decode


def _decoders(compiled: _Compiled, dialect: Dialect, description) -> list:
    decoders = []
    for index, (column, described) in enumerate(zip(compiled.columns, description, strict=True)):
        if dialect.name == "sqlite" and isinstance(column.type, JSON):
            decoders.append((index, _sqlite_json(dialect._json_deserializer or json.loads)))
            continue
        process = column.type.dialect_impl(dialect).result_processor(dialect, described[1])
        if process is not None:
            decoders.append((index, process))
    return decoders


class LeanResult:
    """The rows of one statement: first(), scalar(), or iterate; rowcount for writes."""

    def __init__(self, rows: list[tuple], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def first(self) -> tuple | None:
        """Return the first row, or None."""
        return self._rows[0] if self._rows else None

    def scalar(self) -> Any:
        """Return the first column of the first row, or None."""
        return self._rows[0][0] if self._rows else None

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._rows)


class LeanConnection:
    """One pooled DBAPI connection for a request, checked out at its first statement.

    With autocommit every statement stands alone on PostgreSQL: no BEGIN and COMMIT or
    ROLLBACK round trips around it. Without it, statements run in a transaction that
    commit() ends; close() rolls back what was not committed. SQLite always runs writes in
    a transaction that commit() ends (its round trips cost nothing).

    With `one_statement`, a second statement before commit() or rollback() raises: a writer
    in autocommit mode cannot undo its first statement when the second fails, so nobody may
    count on that.
    """

    def __init__(self, engine: Engine, autocommit: bool = False, one_statement: bool = False):
        self.engine = engine
        self.autocommit = autocommit
        self.one_statement = one_statement
        self._dialect = engine.dialect
        self._fairy = None
        #: A statement ran since the last commit or rollback (kept only with one_statement).
        self._ran = False

    def _cursor(self):
        if self._fairy is None:
            self._fairy = self.engine.raw_connection()
            if self.autocommit and self._dialect.name == "postgresql":
                self._fairy.driver_connection.autocommit = True
        return self._fairy.cursor()

    def execute(self, statement: Executable, params: Mapping[str, Any] | None = None) -> LeanResult:
        """Run one statement with every bound value given; return its rows, decoded."""
        if self.one_statement:
            if self._ran:
                raise RuntimeError(
                    "this connection runs one statement per commit: commit or roll back first"
                )
            self._ran = True
        compiled = _compile(statement, self._dialect)
        values = {**compiled.fixed, **params} if params else compiled.fixed
        missing = [name for name in compiled.names if name not in values]
        if missing:
            raise KeyError(f"no value for {', '.join(missing)} in {compiled.sql!r}")
        binders = compiled.binders
        converted = {
            name: binders[name](values[name]) if name in binders else values[name]
            for name in compiled.names
        }
        arguments: Any = converted
        if compiled.positional:
            arguments = tuple(converted[name] for name in compiled.names)
        cursor = None
        try:
            cursor = self._cursor()
            cursor.execute(compiled.sql, arguments)
            raw_rows = cursor.fetchall() if compiled.row is not None else []
            rowcount = cursor.rowcount
            if compiled.row is not None and compiled.decoders is None:
                compiled.decoders = _decoders(compiled, self._dialect, cursor.description)
        except self._dialect.loaded_dbapi.Error as error:
            self._fail(error, cursor)
            raise DBAPIError.instance(
                compiled.sql, arguments, error, self._dialect.loaded_dbapi.Error
            ) from error
        finally:
            if cursor is not None:
                cursor.close()
        if compiled.row is None:
            return LeanResult([], rowcount)
        make = compiled.row._make
        if not compiled.decoders:
            return LeanResult([make(row) for row in raw_rows], rowcount)
        rows = []
        for raw in raw_rows:
            row = list(raw)
            for index, process in compiled.decoders:
                row[index] = process(row[index])
            rows.append(make(row))
        return LeanResult(rows, rowcount)

    def commit(self) -> None:
        """Commit the transaction of the statements run so far."""
        self._ran = False
        self._end("commit")

    def rollback(self) -> None:
        """Roll back the transaction of the statements run so far."""
        self._ran = False
        fairy = self._fairy
        # A SQLite connection says when it has nothing to end (a reader's state after every
        # request): then the trip through the pool's wrapper to the driver is skipped.
        if fairy is not None and getattr(fairy.dbapi_connection, "idle", False):
            return
        self._end("rollback")

    def _end(self, how: str) -> None:
        if self._fairy is None:
            return
        try:
            getattr(self._fairy, how)()
        except self._dialect.loaded_dbapi.Error as error:
            self._fail(error, None)
            raise DBAPIError.instance(
                how.upper(), {}, error, self._dialect.loaded_dbapi.Error
            ) from error

    def _fail(self, error: Exception, cursor) -> None:
        fairy = self._fairy
        if fairy is None:
            return
        if self._dialect.is_disconnect(error, fairy.dbapi_connection, cursor):
            # The server went away (a restart): drop this connection, and start a new pool,
            # whose other connections are just as dead; the next request connects afresh.
            self._fairy = None
            fairy.invalidate(error)
            self.engine.dispose()

    def discard(self) -> None:
        """Close the DBAPI connection outright, for a pool that is being disposed of."""
        self._ran = False
        fairy, self._fairy = self._fairy, None
        if fairy is not None:
            fairy.invalidate()

    def close(self) -> None:
        """Give the connection back to the pool; what was not committed is rolled back."""
        self._ran = False
        fairy, self._fairy = self._fairy, None
        if fairy is None:
            return
        if self.autocommit and self._dialect.name == "postgresql":
            try:
                fairy.driver_connection.autocommit = False
            except self._dialect.loaded_dbapi.Error:
                fairy.invalidate()  # broken: closed, not handed to the next request
                return
        fairy.close()


#: Where plain reads can run: a request's LeanConnection, or a Connection (in a transaction).
Reader = Connection | LeanConnection
#: Where the journey's single-statement writes can run; the caller commits.
Writer = Connection | LeanConnection
