//! How calltap's identities ([`crate::ids`]) sit in SQLite's columns: a
//! [`Seq`] as an INTEGER, a [`CallId`] as TEXT, bound and read without a
//! copy beyond the one a read makes; a [`DedupKey`] as TEXT, except a body
//! hash (`b3:` and 64 lowercase hex digits), which is its 32 bytes as a BLOB:
//! the key is stored in every row and again in its unique index, and as
//! text it took 67 bytes in each (migration 8 converted the older rows).

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, Value, ValueRef};

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

/// What marks a body-hash key ([`DedupKey::body_hash`]).
const BODY_HASH: &str = "b3:";

/// The 32 bytes of a body-hash key, if `key` is one as calltap writes it
/// (lowercase hex, so that reading the bytes back gives the same text).
fn body_hash_bytes(key: &str) -> Option<[u8; 32]> {
    let hex = key.strip_prefix(BODY_HASH)?.as_bytes();
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    if hex.len() != 64 {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (byte, pair) in bytes.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(bytes)
}

impl ToSql for DedupKey {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match body_hash_bytes(self.as_str()) {
            Some(bytes) => ToSqlOutput::Owned(Value::Blob(bytes.to_vec())),
            None => ToSqlOutput::from(self.as_str()),
        })
    }
}

impl FromSql for DedupKey {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<DedupKey> {
        match value {
            ValueRef::Blob(bytes) if bytes.len() == 32 => {
                let mut key = String::with_capacity(BODY_HASH.len() + 64);
                key.push_str(BODY_HASH);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                for byte in bytes {
                    key.push(char::from(HEX[usize::from(byte >> 4)]));
                    key.push(char::from(HEX[usize::from(byte & 15)]));
                }
                Ok(DedupKey::stored(&key))
            }
            other => other.as_str().map(DedupKey::stored),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_hash_key_is_stored_as_its_32_bytes_and_reads_back_as_the_same_text() {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        for (key, stored_type) in [
            (DedupKey::body_hash(b"{}"), "blob"),
            (DedupKey::message_id("msg_1"), "text"),
            // Not as calltap writes a hash: kept as the text it is.
            (DedupKey::stored(&format!("b3:{}", "A".repeat(64))), "text"),
            (DedupKey::stored("b3:abc"), "text"),
        ] {
            let (back, kind): (DedupKey, String) = conn
                .query_row("SELECT ?1, typeof(?1)", [&key], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .expect("round trip");
            assert_eq!(back, key);
            assert_eq!(kind, stored_type, "{key}");
        }
    }
}
