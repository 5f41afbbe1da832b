//! How calltap's identities ([`crate::ids`]) sit in SQLite's columns: a
//! [`Seq`] as an INTEGER, a [`CallId`] and a [`DedupKey`] as TEXT, bound and
//! read without a copy beyond the one a read makes.

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::ids::{CallId, DedupKey, Seq};

impl ToSql for Seq {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.get()))
    }
}

impl FromSql for Seq {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Seq> {
        i64::column_result(value).map(Seq::new)
    }
}

impl ToSql for CallId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for CallId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<CallId> {
        value.as_str().map(CallId::new)
    }
}

impl ToSql for DedupKey {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for DedupKey {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<DedupKey> {
        value.as_str().map(DedupKey::stored)
    }
}
